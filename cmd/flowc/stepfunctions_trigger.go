package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/backends/stepfunctions/deploy"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/ir"
)

// maxTriggerInput bounds the run's input: Start's command carries every
// parameter, and Batch caps a job's container overrides at 8,192
// characters; the rest of Start's command takes well under 2,000.
const maxTriggerInput = 6000

func newTriggerStepFunctions() *cobra.Command {
	c := &cobra.Command{
		Use:   "step-functions [PKG] [--run-id RUN] [--PARAM value ...]",
		Short: "Start an execution of the flow's state machine; its name is the run id",
		Long: `Trigger starts an execution of the flow's deployed state machine. The
flow's parameters are flags, as for flowc run; each value is checked here
and sent as the text given, and parameters left out take their defaults in
the state machine. --run-id chooses the execution name, which is the run
id (default: one Step Functions makes up). --aws-region and
--aws-endpoint-url choose where the call goes. With --wait it follows the
run's progress from the datastore, shown as flowc run shows it, until the
execution ends, and exits 0 only if it succeeded.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return triggerStepFunctions(cmd, args)
		},
	}
	return c
}

func triggerStepFunctions(cmd *cobra.Command, args []string) error {
	var ff frontFlags
	var af awsFlags
	var name, root, prefix string
	var wait bool
	register := func(fs *pflag.FlagSet) {
		fs.StringVar(&ff.flow, "flow", "", "the flow, where the package holds several")
		fs.StringArrayVar(&ff.configs, "config", nil, "read config `NAME=PATH` from PATH instead of its default file (repeatable)")
		fs.StringVar(&name, "run-id", "", "the execution's name (default: one Step Functions chooses)")
		fs.StringVar(&prefix, "name-prefix", "", "the --name-prefix the flow was deployed with")
		fs.BoolVar(&wait, "wait", false, "follow the run's progress, as flowc run shows it, until the execution ends; exit 0 only if it succeeded")
		fs.StringVar(&root, "datastore-root", "", "with --wait, the datastore the run is recorded in (default: the one the flow's job definitions use)")
		ff.registerProject(fs)
		af.register(fs)
	}
	values := map[string]*string{}
	f, _, fs, err := flowArgs(cmd, args, func(fs *pflag.FlagSet) *frontFlags {
		ff, af, name, root, prefix, wait = frontFlags{}, awsFlags{}, "", "", "", false
		register(fs)
		return &ff
	}, func(fs *pflag.FlagSet, f *ir.Flow) error {
		for _, p := range f.Params {
			if fs.Lookup(p.Name) != nil {
				return usagef("parameter --%s has the name of a flag of flowc trigger step-functions; rename it with flow:\"param,name=...\"", p.Name)
			}
			values[p.Name] = fs.String(p.Name, "", p.Help)
		}
		return nil
	})
	if err != nil || f == nil {
		return err
	}
	if f, err = ff.forTarget(f); err != nil { // the branch's deployment
		return err
	}
	given := map[string]string{}
	for _, p := range f.Params {
		if fs.Changed(p.Name) {
			given[p.Name] = *values[p.Name]
		}
	}
	if err := includeGiven(cmd.Context(), f, given); err != nil {
		return err
	}
	for name, v := range given {
		*values[name] = v
	}
	input, err := triggerInput(f, fs, values)
	if err != nil {
		return err
	}
	cfg, err := af.config(cmd.Context())
	if err != nil {
		return err
	}
	cl := deploy.NewClients(cfg)
	cli := cl.SFN
	machine := stepfunctions.PrefixedName(prefix, stepfunctions.MachineName(f))
	arn, err := deploy.FindMachine(cmd.Context(), cli, machine)
	if err != nil {
		return err
	}
	if arn == "" {
		return fmt.Errorf("no state machine %s: deploy the flow first (flowc deploy step-functions)", machine)
	}
	in := &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(input)}
	if name != "" {
		in.Name = aws.String(name)
	}
	out, err := cli.StartExecution(cmd.Context(), in)
	if err != nil {
		return fmt.Errorf("start an execution of %s: %w", machine, err)
	}
	exec := aws.ToString(out.ExecutionArn)
	runID := exec[strings.LastIndex(exec, ":")+1:]
	fmt.Fprintf(cmd.OutOrStdout(), "started %s/%s\n%s\n", f.Name, runID, exec)
	if !wait {
		return nil
	}
	if root == "" {
		if root, err = cl.DatastoreRoot(cmd.Context(), deploy.Flow{Machine: machine, ARN: arn, Flow: f.Name}); err != nil {
			return err
		}
	}
	c, err := client.Open(root)
	if err != nil {
		return err
	}
	e := deploy.Execution{Name: runID, ARN: exec}
	fo := &follower{flow: f, store: c.Store(), runID: runID, engine: func(ctx context.Context) (engineState, error) {
		d, err := cl.Describe(ctx, e)
		if err != nil {
			return engineState{}, err
		}
		st := engineState{Over: d.Ended(), Failed: d.Ended() && d.Status != "SUCCEEDED"}
		if st.Failed {
			st.Reason = "execution " + d.Status
			if d.Error != "" {
				st.Reason += ": " + d.Error
			}
			if d.Cause != "" {
				st.Reason += ": " + d.Cause
			}
		}
		return st, nil
	}}
	return fo.follow(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr())
}

// triggerInput is the execution's input: each parameter given, checked
// against its type, as the text given.
func triggerInput(f *ir.Flow, fs *pflag.FlagSet, values map[string]*string) (string, error) {
	in := map[string]string{}
	for _, p := range f.Params {
		if !fs.Changed(p.Name) {
			if p.Required {
				return "", usagef("parameter --%s is required", p.Name)
			}
			continue
		}
		raw := *values[p.Name]
		if _, err := ir.ParseValue(p.Type, p.Separator, raw); err != nil {
			return "", usagef("--%s: %v", p.Name, err)
		}
		in[p.Name] = raw
	}
	data, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	if len(data) > maxTriggerInput {
		return "", usagef("the parameters take %d characters; at most %d fit in the start task's container override", len(data), maxTriggerInput)
	}
	return string(data), nil
}
