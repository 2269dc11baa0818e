package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/ir"
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
			files, err := compileFor(cmd.ErrOrStderr(), t, f, o)
			if err != nil {
				return err
			}
			d := &sfnDeployer{out: cmd.OutOrStdout(), dry: dry, role: o.(*stepfunctions.Options).Role}
			if !dry {
				cfg, err := af.config(cmd.Context())
				if err != nil {
					return err
				}
				d.clients(cfg)
			}
			return d.deploy(cmd.Context(), f, files)
		},
	}
	ff.register(c)
	af.register(c.Flags())
	c.Flags().BoolVar(&dry, "dry-run", false, "print the calls, contact nothing")
	tf.register(c, stepfunctions.Target{})
	return c
}

// ownerTag is the tag flowc puts on the state machine and the rules it
// creates, its value the state machine's name: deploy replaces or deletes
// only what carries it. (EventBridge Scheduler schedules take no tags:
// flowc's have a Description beginning with ownerPrefix.)
const (
	ownerTag    = stepfunctions.OwnerTag
	ownerPrefix = "flowc: "
)

// sfnDeployer makes AWS hold a compiled flow, reading before it writes.
type sfnDeployer struct {
	out     io.Writer
	dry     bool
	role    string
	machine string // the state machine's name, which tags what deploy makes
	sfn     *sfn.Client
	batch   *batch.Client
	sched   *scheduler.Client
	events  *eventbridge.Client
}

func (d *sfnDeployer) clients(cfg aws.Config) {
	d.sfn = sfn.NewFromConfig(cfg)
	d.batch = batch.NewFromConfig(cfg)
	d.sched = scheduler.NewFromConfig(cfg)
	d.events = eventbridge.NewFromConfig(cfg)
}

// compiled is what the target emitted, decoded.
type compiled struct {
	definition string
	machine    string // the state machine's name
	jobs       []stepfunctions.JobDefinition
	schedule   *stepfunctions.Schedule
	rules      []stepfunctions.Rule
}

func decodeCompiled(flow *ir.Flow, files []backends.File) (*compiled, error) {
	c := &compiled{machine: stepfunctions.MachineName(flow)}
	for _, f := range files {
		var err error
		switch strings.TrimPrefix(f.Name, flow.Name) {
		case ".asl.json":
			// Sent without indentation: Step Functions counts every byte.
			var b bytes.Buffer
			err = json.Compact(&b, f.Data)
			c.definition = b.String()
		case ".batch.json":
			err = json.Unmarshal(f.Data, &c.jobs)
		case ".schedule.json":
			err = json.Unmarshal(f.Data, &c.schedule)
		case ".rules.json":
			err = json.Unmarshal(f.Data, &c.rules)
		}
		if err != nil {
			return nil, fmt.Errorf("read back %s: %w", f.Name, err)
		}
	}
	if len(c.jobs) == 0 || c.definition == "" {
		return nil, fmt.Errorf("the step-functions target emitted no state machine or job definition")
	}
	return c, nil
}

func (d *sfnDeployer) deploy(ctx context.Context, flow *ir.Flow, files []backends.File) error {
	c, err := decodeCompiled(flow, files)
	if err != nil {
		return err
	}
	d.machine = c.machine
	if err := d.preflight(ctx, c); err != nil {
		return err
	}
	for _, jd := range c.jobs {
		if err := d.jobDefinition(ctx, jd); err != nil {
			return err
		}
	}
	arn, err := d.stateMachine(ctx, c)
	if err != nil {
		return err
	}
	if err := d.schedule(ctx, c, arn); err != nil {
		return err
	}
	for _, r := range c.rules {
		if err := d.rule(ctx, r, arn); err != nil {
			return err
		}
	}
	return d.staleRules(ctx, c)
}

// call prints a write call of a dry run.
func (d *sfnDeployer) call(op string, input any) {
	data, _ := json.Marshal(input)
	fmt.Fprintf(d.out, "%s %s\n", op, data)
}

// jobDefinition registers jd unless an active one of its name (which is
// its content's hash) exists.
func (d *sfnDeployer) jobDefinition(ctx context.Context, jd stepfunctions.JobDefinition) error {
	if d.dry {
		d.call("batch.RegisterJobDefinition", jd)
		return nil
	}
	got, err := d.batch.DescribeJobDefinitions(ctx, &batch.DescribeJobDefinitionsInput{JobDefinitionName: aws.String(jd.JobDefinitionName), Status: aws.String("ACTIVE")})
	if err != nil {
		return fmt.Errorf("describe job definition %s: %w", jd.JobDefinitionName, err)
	}
	if len(got.JobDefinitions) > 0 {
		fmt.Fprintf(d.out, "job definition %s: unchanged\n", jd.JobDefinitionName)
		return nil
	}
	// The compiled definition has the request's shape; encoding/json
	// matches its camelCase keys to the SDK's field names.
	data, _ := json.Marshal(jd)
	var in batch.RegisterJobDefinitionInput
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("job definition %s: %w", jd.JobDefinitionName, err)
	}
	out, err := d.batch.RegisterJobDefinition(ctx, &in)
	if err != nil {
		return fmt.Errorf("register job definition %s: %w", jd.JobDefinitionName, err)
	}
	fmt.Fprintf(d.out, "job definition %s: registered (%s)\n", jd.JobDefinitionName, aws.ToString(out.JobDefinitionArn))
	return nil
}

// findMachine returns the ARN of the state machine named name, or "".
func findMachine(ctx context.Context, cli *sfn.Client, name string) (string, error) {
	p := sfn.NewListStateMachinesPaginator(cli, &sfn.ListStateMachinesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list state machines: %w", err)
		}
		for _, m := range page.StateMachines {
			if aws.ToString(m.Name) == name {
				return aws.ToString(m.StateMachineArn), nil
			}
		}
	}
	return "", nil
}

// stateMachine creates the state machine, or updates it when its
// definition or role differ, and returns its ARN.
func (d *sfnDeployer) stateMachine(ctx context.Context, c *compiled) (string, error) {
	if d.dry {
		d.call("sfn.CreateStateMachine", map[string]string{"name": c.machine, "roleArn": d.role, "type": "STANDARD", "definition": c.definition})
		return stepfunctions.MachineARNPlaceholder, nil
	}
	arn, err := findMachine(ctx, d.sfn, c.machine)
	if err != nil {
		return "", err
	}
	if arn == "" {
		out, err := d.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(c.machine), RoleArn: aws.String(d.role), Definition: aws.String(c.definition),
			Tags: []sfntypes.Tag{{Key: aws.String(ownerTag), Value: aws.String(c.machine)}}})
		if err != nil {
			return "", fmt.Errorf("create state machine %s: %w", c.machine, err)
		}
		fmt.Fprintf(d.out, "state machine %s: created (%s)\n", c.machine, aws.ToString(out.StateMachineArn))
		return aws.ToString(out.StateMachineArn), nil
	}
	got, err := d.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		return "", fmt.Errorf("describe state machine %s: %w", arn, err)
	}
	if sameJSON(aws.ToString(got.Definition), c.definition) && aws.ToString(got.RoleArn) == d.role {
		fmt.Fprintf(d.out, "state machine %s: unchanged (%s)\n", c.machine, arn)
		return arn, nil
	}
	if _, err := d.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), RoleArn: aws.String(d.role), Definition: aws.String(c.definition)}); err != nil {
		return "", fmt.Errorf("update state machine %s: %w", arn, err)
	}
	fmt.Fprintf(d.out, "state machine %s: updated (%s)\n", c.machine, arn)
	return arn, nil
}

// sameJSON compares two JSON texts by value.
func sameJSON(a, b string) bool {
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}

// schedule creates or updates the flow's schedule, or deletes the one a
// previous deployment made when the flow has none any more.
func (d *sfnDeployer) schedule(ctx context.Context, c *compiled, arn string) error {
	s := c.schedule
	if s != nil {
		s.Target.Arn = arn
	}
	if d.dry {
		if s != nil {
			d.call("scheduler.CreateSchedule", s)
		}
		return nil
	}
	name := c.machine
	if s != nil {
		name = s.Name
	}
	got, err := d.sched.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name), GroupName: aws.String("default")})
	var nf *schedtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		got = nil
	case err != nil:
		return fmt.Errorf("get schedule %s: %w", name, err)
	}
	switch {
	case s == nil && got == nil:
		return nil
	case s == nil:
		if _, err := d.sched.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(name), GroupName: aws.String("default")}); err != nil {
			return fmt.Errorf("delete schedule %s: %w", name, err)
		}
		fmt.Fprintf(d.out, "schedule %s: deleted (the flow has no //flow:schedule)\n", name)
		return nil
	case got != nil && sameSchedule(got, s):
		fmt.Fprintf(d.out, "schedule %s: unchanged\n", name)
		return nil
	}
	target := &schedtypes.Target{Arn: aws.String(s.Target.Arn), RoleArn: aws.String(s.Target.RoleArn), Input: aws.String(s.Target.Input)}
	window := &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowMode(s.FlexibleTimeWindow.Mode)}
	tz := aws.String(s.ScheduleExpressionTimezone)
	if s.ScheduleExpressionTimezone == "" {
		tz = nil
	}
	if got == nil {
		_, err = d.sched.CreateSchedule(ctx, &scheduler.CreateScheduleInput{
			Name: aws.String(s.Name), GroupName: aws.String(s.GroupName), Description: aws.String(s.Description),
			ScheduleExpression: aws.String(s.ScheduleExpression), ScheduleExpressionTimezone: tz,
			FlexibleTimeWindow: window, State: schedtypes.ScheduleState(s.State), Target: target,
		})
		if err != nil {
			return fmt.Errorf("create schedule %s: %w", s.Name, err)
		}
		fmt.Fprintf(d.out, "schedule %s: created (%s %s)\n", s.Name, s.ScheduleExpression, s.ScheduleExpressionTimezone)
		return nil
	}
	_, err = d.sched.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{
		Name: aws.String(s.Name), GroupName: aws.String(s.GroupName), Description: aws.String(s.Description),
		ScheduleExpression: aws.String(s.ScheduleExpression), ScheduleExpressionTimezone: tz,
		FlexibleTimeWindow: window, State: schedtypes.ScheduleState(s.State), Target: target,
	})
	if err != nil {
		return fmt.Errorf("update schedule %s: %w", s.Name, err)
	}
	fmt.Fprintf(d.out, "schedule %s: updated (%s %s)\n", s.Name, s.ScheduleExpression, s.ScheduleExpressionTimezone)
	return nil
}

func sameSchedule(got *scheduler.GetScheduleOutput, s *stepfunctions.Schedule) bool {
	t := got.Target
	return aws.ToString(got.ScheduleExpression) == s.ScheduleExpression &&
		aws.ToString(got.ScheduleExpressionTimezone) == s.ScheduleExpressionTimezone &&
		aws.ToString(got.Description) == s.Description &&
		string(got.State) == s.State &&
		got.FlexibleTimeWindow != nil && string(got.FlexibleTimeWindow.Mode) == s.FlexibleTimeWindow.Mode &&
		t != nil && aws.ToString(t.Arn) == s.Target.Arn && aws.ToString(t.RoleArn) == s.Target.RoleArn &&
		aws.ToString(t.Input) == s.Target.Input
}

// rule puts an EventBridge rule and its target where they differ from
// what is there.
func (d *sfnDeployer) rule(ctx context.Context, r stepfunctions.Rule, arn string) error {
	r.Target.Arn = arn
	target := ebtypes.Target{Id: aws.String(r.Target.ID), Arn: aws.String(r.Target.Arn), RoleArn: aws.String(r.Target.RoleArn)}
	if r.Target.Input != "" {
		target.Input = aws.String(r.Target.Input)
	}
	if it := r.Target.InputTransformer; it != nil {
		target.InputTransformer = &ebtypes.InputTransformer{InputPathsMap: it.InputPathsMap, InputTemplate: aws.String(it.InputTemplate)}
	}
	if d.dry {
		d.call("events.PutRule", map[string]string{"Name": r.Name, "Description": r.Description, "EventPattern": r.EventPattern, "State": r.State})
		d.call("events.PutTargets", map[string]any{"Rule": r.Name, "Targets": []any{r.Target}})
		return nil
	}
	got, err := d.events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(r.Name)})
	var nf *ebtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		got = nil
	case err != nil:
		return fmt.Errorf("describe rule %s: %w", r.Name, err)
	}
	if got != nil && sameJSON(aws.ToString(got.EventPattern), r.EventPattern) && string(got.State) == r.State && aws.ToString(got.Description) == r.Description {
		fmt.Fprintf(d.out, "rule %s: unchanged\n", r.Name)
	} else {
		if _, err := d.events.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(r.Name), Description: aws.String(r.Description),
			EventPattern: aws.String(r.EventPattern), State: ebtypes.RuleState(r.State),
			Tags: []ebtypes.Tag{{Key: aws.String(ownerTag), Value: aws.String(d.machine)}}}); err != nil {
			return fmt.Errorf("put rule %s: %w", r.Name, err)
		}
		fmt.Fprintf(d.out, "rule %s: put\n", r.Name)
	}
	if got != nil {
		ts, err := d.events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(r.Name)})
		if err != nil {
			return fmt.Errorf("list targets of rule %s: %w", r.Name, err)
		}
		if len(ts.Targets) == 1 && sameTarget(ts.Targets[0], target) {
			fmt.Fprintf(d.out, "rule %s target: unchanged\n", r.Name)
			return nil
		}
	}
	if _, err := d.events.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(r.Name), Targets: []ebtypes.Target{target}}); err != nil {
		return fmt.Errorf("put targets of rule %s: %w", r.Name, err)
	}
	fmt.Fprintf(d.out, "rule %s target: put (%s)\n", r.Name, r.Target.Arn)
	return nil
}

// preflight refuses, before anything is written, to deploy over a state
// machine, schedule or rule of the flow's names that flowc did not create.
func (d *sfnDeployer) preflight(ctx context.Context, c *compiled) error {
	if d.dry {
		return nil
	}
	arn, err := findMachine(ctx, d.sfn, c.machine)
	if err != nil {
		return err
	}
	if arn != "" {
		tags, err := d.sfn.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			return fmt.Errorf("list the tags of state machine %s: %w", arn, err)
		}
		if !slices.ContainsFunc(tags.Tags, func(t sfntypes.Tag) bool {
			return aws.ToString(t.Key) == ownerTag && aws.ToString(t.Value) == c.machine
		}) {
			return fmt.Errorf("state machine %s exists but flowc did not create it (it has no tag %s=%s): refusing to replace it; delete it, or deploy the flow under another name (//flow:project)", c.machine, ownerTag, c.machine)
		}
	}
	name := c.machine
	if c.schedule != nil {
		name = c.schedule.Name
	}
	got, err := d.sched.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name), GroupName: aws.String("default")})
	var nf *schedtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
	case err != nil:
		return fmt.Errorf("get schedule %s: %w", name, err)
	case !strings.HasPrefix(aws.ToString(got.Description), ownerPrefix):
		return fmt.Errorf("schedule %s exists but flowc did not create it (its description does not begin with %q): refusing to replace or delete it", name, ownerPrefix)
	}
	for _, r := range c.rules {
		got, err := d.events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(r.Name)})
		var nf *ebtypes.ResourceNotFoundException
		switch {
		case errors.As(err, &nf):
		case err != nil:
			return fmt.Errorf("describe rule %s: %w", r.Name, err)
		default:
			if err := d.ownRule(ctx, aws.ToString(got.Arn), r.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// ownRule fails unless the rule carries flowc's tag for this flow.
func (d *sfnDeployer) ownRule(ctx context.Context, arn, name string) error {
	tags, err := d.events.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil {
		return fmt.Errorf("list the tags of rule %s: %w", name, err)
	}
	if !slices.ContainsFunc(tags.Tags, func(t ebtypes.Tag) bool { return aws.ToString(t.Key) == ownerTag && aws.ToString(t.Value) == d.machine }) {
		return fmt.Errorf("rule %s exists but flowc did not create it for %s (it has no tag %s=%s): refusing to replace or delete it", name, d.machine, ownerTag, d.machine)
	}
	return nil
}

// staleRules deletes the rules a previous deployment of this flow made
// (named MACHINE-..., tagged for it) that the flow no longer has.
func (d *sfnDeployer) staleRules(ctx context.Context, c *compiled) error {
	if d.dry {
		return nil
	}
	keep := map[string]bool{}
	for _, r := range c.rules {
		keep[r.Name] = true
	}
	var token *string
	for {
		page, err := d.events.ListRules(ctx, &eventbridge.ListRulesInput{NamePrefix: aws.String(c.machine + "-"), NextToken: token})
		if err != nil {
			return fmt.Errorf("list rules: %w", err)
		}
		for _, r := range page.Rules {
			name := aws.ToString(r.Name)
			if keep[name] {
				continue
			}
			tags, err := d.events.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: r.Arn})
			if err != nil {
				return fmt.Errorf("list the tags of rule %s: %w", name, err)
			}
			if !slices.ContainsFunc(tags.Tags, func(t ebtypes.Tag) bool { return aws.ToString(t.Key) == ownerTag && aws.ToString(t.Value) == c.machine }) {
				continue // another flow's, or not flowc's
			}
			ts, err := d.events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: r.Name})
			if err != nil {
				return fmt.Errorf("list targets of rule %s: %w", name, err)
			}
			var ids []string
			for _, t := range ts.Targets {
				ids = append(ids, aws.ToString(t.Id))
			}
			if len(ids) > 0 {
				if _, err := d.events.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: r.Name, Ids: ids}); err != nil {
					return fmt.Errorf("remove the targets of rule %s: %w", name, err)
				}
			}
			if _, err := d.events.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: r.Name}); err != nil {
				return fmt.Errorf("delete rule %s: %w", name, err)
			}
			fmt.Fprintf(d.out, "rule %s: deleted (the flow no longer has it)\n", name)
		}
		if page.NextToken == nil {
			return nil
		}
		token = page.NextToken
	}
}

func sameTarget(a, b ebtypes.Target) bool {
	sameIT := (a.InputTransformer == nil) == (b.InputTransformer == nil)
	if sameIT && a.InputTransformer != nil {
		sameIT = aws.ToString(a.InputTransformer.InputTemplate) == aws.ToString(b.InputTransformer.InputTemplate) &&
			reflect.DeepEqual(a.InputTransformer.InputPathsMap, b.InputTransformer.InputPathsMap)
	}
	return aws.ToString(a.Id) == aws.ToString(b.Id) && aws.ToString(a.Arn) == aws.ToString(b.Arn) &&
		aws.ToString(a.RoleArn) == aws.ToString(b.RoleArn) && aws.ToString(a.Input) == aws.ToString(b.Input) && sameIT
}
