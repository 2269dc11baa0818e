package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/backends/stepfunctions/deploy"
	"github.com/flowc-dev/flowc/project"
)

func init() {
	deployTargets = append(deployTargets, newDeployStepFunctions)
	triggerTargets = append(triggerTargets, newTriggerStepFunctions)
}

// awsFlags choose the AWS region and endpoint (the endpoint is for tests
// and emulators).
type awsFlags struct {
	region, endpoint string
}

func (a *awsFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&a.region, "aws-region", "", "the AWS region (default: AWS_REGION or the shared config)")
	fs.StringVar(&a.endpoint, "aws-endpoint-url", "", "send every AWS call to this URL instead of AWS's endpoints")
}

// config loads the AWS SDK's configuration (credentials from the usual
// chain: environment, shared files, instance role).
func (a *awsFlags) config(ctx context.Context) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if a.region != "" {
		opts = append(opts, config.WithRegion(a.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, fmt.Errorf("load the AWS configuration: %w", err)
	}
	if a.endpoint != "" {
		cfg.BaseEndpoint = aws.String(a.endpoint)
	}
	if cfg.Region == "" {
		return cfg, usagef("no AWS region: give --aws-region or set AWS_REGION")
	}
	return cfg, nil
}

func newDeployStepFunctions() *cobra.Command {
	var ff frontFlags
	var tf targetFlags
	var af awsFlags
	var dry bool
	c := &cobra.Command{
		Use:   "step-functions [PKG] --image IMAGE --job-queue QUEUE --role ARN --datastore-root s3://BUCKET/PREFIX",
		Short: "Register the Batch job definitions, create or update the state machine, the schedule and the trigger rules",
		Long: `Deploy compiles the flow for step-functions and makes AWS hold what it emits:
the Batch job definitions (named by their content, so an unchanged one is
never registered again), the state machine, the EventBridge Scheduler
schedule of //flow:schedule and the EventBridge rules of //flow:trigger and
//flow:trigger_on_finish. It reads each object first and writes only what
differs, so a second deploy of the same flow changes nothing. --dry-run
contacts nothing and prints the calls a first deployment makes.`,
		Args: pkgArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t := stepfunctions.Target{}
			f, o, err := tf.load(cmd, &ff, args)
			if err != nil {
				return err
			}
			compiled, diags, err := t.Build(f, o)
			if err != nil {
				return fmt.Errorf("compile %s for %s: %w", f.Name, t.Name(), err)
			}
			if err := reportDiags(cmd.ErrOrStderr(), diags); err != nil {
				return err
			}
			d := &deploy.Deployer{Out: cmd.OutOrStdout(), DryRun: dry}
			if !dry {
				cfg, err := af.config(cmd.Context())
				if err != nil {
					return err
				}
				d.Clients = deploy.NewClients(cfg)
			}
			note := func() {}
			if p := project.OfFlow(f); p != nil && p.Production {
				dec, err := d.AuthorizeProduction(cmd.Context(), compiled, username(), ff.productionToken())
				if err != nil {
					return err
				}
				note = func() { tokenNote(cmd.OutOrStdout(), p.FlowName(f.Name), dec) }
			}
			if err := d.Deploy(cmd.Context(), compiled); err != nil {
				return err
			}
			note() // once the token is stored
			return nil
		},
	}
	ff.register(c)
	ff.registerToken(c.Flags())
	af.register(c.Flags())
	c.Flags().BoolVar(&dry, "dry-run", false, "print the calls, contact nothing")
	tf.register(c, stepfunctions.Target{})
	return c
}
