// Package deploy makes AWS hold what the step-functions target compiles
// (Batch job definitions, the state machine, the schedule and the
// EventBridge rules), and operates deployed flows: lists them and their
// executions, stops and deletes them. It calls AWS through the AWS SDK;
// cmd/flowc maps its flags to these calls.
package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/flowc-dev/flowc/backends/stepfunctions"
)

// Clients are the AWS services deploy and the operating commands call.
type Clients struct {
	SFN       *sfn.Client
	Batch     *batch.Client
	Scheduler *scheduler.Client
	Events    *eventbridge.Client
	Logs      *cloudwatchlogs.Client
}

// NewClients makes the clients from the SDK's configuration.
func NewClients(cfg aws.Config) *Clients {
	return &Clients{SFN: sfn.NewFromConfig(cfg), Batch: batch.NewFromConfig(cfg), Scheduler: scheduler.NewFromConfig(cfg), Events: eventbridge.NewFromConfig(cfg),
		Logs: cloudwatchlogs.NewFromConfig(cfg)}
}

// ownerTag is the tag flowc puts on the state machine and the rules it
// creates, its value the state machine's name: deploy replaces or deletes
// only what carries it. (EventBridge Scheduler schedules take no tags:
// flowc's have a Description beginning with ownerPrefix.)
const (
	ownerTag    = stepfunctions.OwnerTag
	ownerPrefix = "flowc: "
)

// Deployer makes AWS hold a compiled flow, reading before it writes,
// and prints what it did to Out. With DryRun it contacts nothing (Clients
// may be nil) and prints the calls a first deployment makes, with their
// inputs.
type Deployer struct {
	*Clients
	Out    io.Writer
	DryRun bool

	machine string // the state machine's name, which tags what deploy makes
}

// Deploy makes AWS hold c: the job definitions, the state machine, the
// schedule and the rules, each written only where it differs from what is
// there, after a check that everything of the flow's names that exists is
// flowc's own.
func (d *Deployer) Deploy(ctx context.Context, c *stepfunctions.Compiled) error {
	def, err := c.Definition()
	if err != nil {
		return err
	}
	d.machine = c.Name
	if err := d.preflight(ctx, c); err != nil {
		return err
	}
	for _, jd := range c.Jobs {
		if err := d.jobDefinition(ctx, jd); err != nil {
			return err
		}
	}
	arn, err := d.stateMachine(ctx, c, def)
	if err != nil {
		return err
	}
	if err := d.schedule(ctx, c, arn); err != nil {
		return err
	}
	for _, r := range c.Rules {
		if err := d.rule(ctx, c, r, arn); err != nil {
			return err
		}
	}
	return d.staleRules(ctx, c)
}

// call prints a write call of a dry run.
func (d *Deployer) call(op string, input any) {
	data, _ := json.Marshal(input)
	fmt.Fprintf(d.Out, "%s %s\n", op, data)
}

// jobDefinition registers jd unless an active one of its name (which is
// its content's hash) exists.
func (d *Deployer) jobDefinition(ctx context.Context, jd stepfunctions.JobDefinition) error {
	if d.DryRun {
		d.call("batch.RegisterJobDefinition", jd)
		return nil
	}
	got, err := d.Batch.DescribeJobDefinitions(ctx, &batch.DescribeJobDefinitionsInput{JobDefinitionName: aws.String(jd.JobDefinitionName), Status: aws.String("ACTIVE")})
	if err != nil {
		return fmt.Errorf("describe job definition %s: %w", jd.JobDefinitionName, err)
	}
	if len(got.JobDefinitions) > 0 {
		fmt.Fprintf(d.Out, "job definition %s: unchanged\n", jd.JobDefinitionName)
		return nil
	}
	// The compiled definition has the request's shape; encoding/json
	// matches its camelCase keys to the SDK's field names.
	data, _ := json.Marshal(jd)
	var in batch.RegisterJobDefinitionInput
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("job definition %s: %w", jd.JobDefinitionName, err)
	}
	out, err := d.Batch.RegisterJobDefinition(ctx, &in)
	if err != nil {
		return fmt.Errorf("register job definition %s: %w", jd.JobDefinitionName, err)
	}
	fmt.Fprintf(d.Out, "job definition %s: registered (%s)\n", jd.JobDefinitionName, aws.ToString(out.JobDefinitionArn))
	return nil
}

// findMachine returns the ARN of the state machine named name, or "".
func FindMachine(ctx context.Context, cli *sfn.Client, name string) (string, error) {
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
func (d *Deployer) stateMachine(ctx context.Context, c *stepfunctions.Compiled, def string) (string, error) {
	if d.DryRun {
		in := map[string]any{"name": c.Name, "roleArn": c.Role, "type": "STANDARD", "definition": def, "tags": c.Tags}
		if c.Logging != nil {
			in["loggingConfiguration"] = c.Logging
		}
		d.call("sfn.CreateStateMachine", in)
		return stepfunctions.MachineARNPlaceholder, nil
	}
	arn, err := FindMachine(ctx, d.SFN, c.Name)
	if err != nil {
		return "", err
	}
	if arn == "" {
		out, err := d.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(c.Name), RoleArn: aws.String(c.Role), Definition: aws.String(def),
			Tags: sfnTags(c.Tags), LoggingConfiguration: logging(c.Logging)})
		if err != nil {
			return "", fmt.Errorf("create state machine %s: %w", c.Name, err)
		}
		fmt.Fprintf(d.Out, "state machine %s: created (%s)\n", c.Name, aws.ToString(out.StateMachineArn))
		return aws.ToString(out.StateMachineArn), nil
	}
	got, err := d.SFN.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		return "", fmt.Errorf("describe state machine %s: %w", arn, err)
	}
	if err := d.machineTags(ctx, arn, c); err != nil {
		return "", err
	}
	if sameJSON(aws.ToString(got.Definition), def) && aws.ToString(got.RoleArn) == c.Role && sameLogging(got.LoggingConfiguration, c.Logging) {
		fmt.Fprintf(d.Out, "state machine %s: unchanged (%s)\n", c.Name, arn)
		return arn, nil
	}
	up := &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), RoleArn: aws.String(c.Role), Definition: aws.String(def)}
	if !sameLogging(got.LoggingConfiguration, c.Logging) {
		up.LoggingConfiguration = logging(c.Logging)
	}
	if _, err := d.SFN.UpdateStateMachine(ctx, up); err != nil {
		return "", fmt.Errorf("update state machine %s: %w", arn, err)
	}
	fmt.Fprintf(d.Out, "state machine %s: updated (%s)\n", c.Name, arn)
	return arn, nil
}

// logging is the SDK's form of the state machine's logging; nil (no
// logging) is level OFF, so that an update turns it off.
func logging(l *stepfunctions.Logging) *sfntypes.LoggingConfiguration {
	if l == nil {
		return &sfntypes.LoggingConfiguration{Level: sfntypes.LogLevelOff}
	}
	out := &sfntypes.LoggingConfiguration{Level: sfntypes.LogLevel(l.Level), IncludeExecutionData: l.IncludeExecutionData}
	for _, d := range l.Destinations {
		out.Destinations = append(out.Destinations, sfntypes.LogDestination{
			CloudWatchLogsLogGroup: &sfntypes.CloudWatchLogsLogGroup{LogGroupArn: aws.String(d.CloudWatchLogsLogGroup.LogGroupArn)}})
	}
	return out
}

// sameLogging compares the logging a state machine has with the one
// compiled.
func sameLogging(got *sfntypes.LoggingConfiguration, want *stepfunctions.Logging) bool {
	w := logging(want)
	if got == nil || got.Level == "" {
		got = &sfntypes.LoggingConfiguration{Level: sfntypes.LogLevelOff}
	}
	if got.Level != w.Level || (w.Level != sfntypes.LogLevelOff && got.IncludeExecutionData != w.IncludeExecutionData) {
		return false
	}
	if w.Level == sfntypes.LogLevelOff {
		return true
	}
	var g, x []string
	for _, d := range got.Destinations {
		if d.CloudWatchLogsLogGroup != nil {
			g = append(g, aws.ToString(d.CloudWatchLogsLogGroup.LogGroupArn))
		}
	}
	for _, d := range w.Destinations {
		x = append(x, aws.ToString(d.CloudWatchLogsLogGroup.LogGroupArn))
	}
	return slices.Equal(g, x)
}

// sameJSON compares two JSON texts by value.
func sameJSON(a, b string) bool {
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}

// schedule creates or updates the flow's schedule, or deletes the one a
// previous deployment made when the flow has none any more.
func (d *Deployer) schedule(ctx context.Context, c *stepfunctions.Compiled, arn string) error {
	s := c.Schedule
	if s != nil {
		s.Target.Arn = arn
	}
	if d.DryRun {
		if s != nil {
			d.call("scheduler.CreateSchedule", s)
		}
		return nil
	}
	name := c.Name
	if s != nil {
		name = s.Name
	}
	got, err := d.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name), GroupName: aws.String("default")})
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
		if _, err := d.Scheduler.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(name), GroupName: aws.String("default")}); err != nil {
			return fmt.Errorf("delete schedule %s: %w", name, err)
		}
		fmt.Fprintf(d.Out, "schedule %s: deleted (the flow has no //flow:schedule)\n", name)
		return nil
	case got != nil && sameSchedule(got, s):
		fmt.Fprintf(d.Out, "schedule %s: unchanged\n", name)
		return nil
	}
	target := &schedtypes.Target{Arn: aws.String(s.Target.Arn), RoleArn: aws.String(s.Target.RoleArn), Input: aws.String(s.Target.Input)}
	window := &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowMode(s.FlexibleTimeWindow.Mode)}
	tz := aws.String(s.ScheduleExpressionTimezone)
	if s.ScheduleExpressionTimezone == "" {
		tz = nil
	}
	if got == nil {
		_, err = d.Scheduler.CreateSchedule(ctx, &scheduler.CreateScheduleInput{
			Name: aws.String(s.Name), GroupName: aws.String(s.GroupName), Description: aws.String(s.Description),
			ScheduleExpression: aws.String(s.ScheduleExpression), ScheduleExpressionTimezone: tz,
			FlexibleTimeWindow: window, State: schedtypes.ScheduleState(s.State), Target: target,
		})
		if err != nil {
			return fmt.Errorf("create schedule %s: %w", s.Name, err)
		}
		fmt.Fprintf(d.Out, "schedule %s: created (%s %s)\n", s.Name, s.ScheduleExpression, s.ScheduleExpressionTimezone)
		return nil
	}
	_, err = d.Scheduler.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{
		Name: aws.String(s.Name), GroupName: aws.String(s.GroupName), Description: aws.String(s.Description),
		ScheduleExpression: aws.String(s.ScheduleExpression), ScheduleExpressionTimezone: tz,
		FlexibleTimeWindow: window, State: schedtypes.ScheduleState(s.State), Target: target,
	})
	if err != nil {
		return fmt.Errorf("update schedule %s: %w", s.Name, err)
	}
	fmt.Fprintf(d.Out, "schedule %s: updated (%s %s)\n", s.Name, s.ScheduleExpression, s.ScheduleExpressionTimezone)
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
func (d *Deployer) rule(ctx context.Context, c *stepfunctions.Compiled, r stepfunctions.Rule, arn string) error {
	r.Target.Arn = arn
	target := ebtypes.Target{Id: aws.String(r.Target.ID), Arn: aws.String(r.Target.Arn), RoleArn: aws.String(r.Target.RoleArn)}
	if r.Target.Input != "" {
		target.Input = aws.String(r.Target.Input)
	}
	if it := r.Target.InputTransformer; it != nil {
		target.InputTransformer = &ebtypes.InputTransformer{InputPathsMap: it.InputPathsMap, InputTemplate: aws.String(it.InputTemplate)}
	}
	if d.DryRun {
		d.call("events.PutRule", map[string]string{"Name": r.Name, "Description": r.Description, "EventPattern": r.EventPattern, "State": r.State})
		d.call("events.PutTargets", map[string]any{"Rule": r.Name, "Targets": []any{r.Target}})
		return nil
	}
	got, err := d.Events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(r.Name)})
	var nf *ebtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		got = nil
	case err != nil:
		return fmt.Errorf("describe rule %s: %w", r.Name, err)
	}
	if got != nil && sameJSON(aws.ToString(got.EventPattern), r.EventPattern) && string(got.State) == r.State && aws.ToString(got.Description) == r.Description {
		fmt.Fprintf(d.Out, "rule %s: unchanged\n", r.Name)
	} else {
		if _, err := d.Events.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(r.Name), Description: aws.String(r.Description),
			EventPattern: aws.String(r.EventPattern), State: ebtypes.RuleState(r.State),
			Tags: eventsTags(c.Tags)}); err != nil {
			return fmt.Errorf("put rule %s: %w", r.Name, err)
		}
		fmt.Fprintf(d.Out, "rule %s: put\n", r.Name)
	}
	if got != nil {
		if err := d.ruleTags(ctx, aws.ToString(got.Arn), r.Name, c); err != nil {
			return err
		}
		ts, err := d.Events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(r.Name)})
		if err != nil {
			return fmt.Errorf("list targets of rule %s: %w", r.Name, err)
		}
		if len(ts.Targets) == 1 && sameTarget(ts.Targets[0], target) {
			fmt.Fprintf(d.Out, "rule %s target: unchanged\n", r.Name)
			return nil
		}
	}
	if _, err := d.Events.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(r.Name), Targets: []ebtypes.Target{target}}); err != nil {
		return fmt.Errorf("put targets of rule %s: %w", r.Name, err)
	}
	fmt.Fprintf(d.Out, "rule %s target: put (%s)\n", r.Name, r.Target.Arn)
	return nil
}

// preflight refuses, before anything is written, to deploy over a state
// machine, schedule or rule of the flow's names that flowc did not create.
func (d *Deployer) preflight(ctx context.Context, c *stepfunctions.Compiled) error {
	if d.DryRun {
		return nil
	}
	arn, err := FindMachine(ctx, d.SFN, c.Name)
	if err != nil {
		return err
	}
	if arn != "" {
		tags, err := d.SFN.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			return fmt.Errorf("list the tags of state machine %s: %w", arn, err)
		}
		if !slices.ContainsFunc(tags.Tags, func(t sfntypes.Tag) bool {
			return aws.ToString(t.Key) == ownerTag && aws.ToString(t.Value) == c.Name
		}) {
			return fmt.Errorf("state machine %s exists but flowc did not create it (it has no tag %s=%s): refusing to replace it; delete it, or deploy the flow under another name (//flow:project)", c.Name, ownerTag, c.Name)
		}
	}
	name := c.Name
	if c.Schedule != nil {
		name = c.Schedule.Name
	}
	got, err := d.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name), GroupName: aws.String("default")})
	var nf *schedtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
	case err != nil:
		return fmt.Errorf("get schedule %s: %w", name, err)
	case !strings.HasPrefix(aws.ToString(got.Description), ownerPrefix):
		return fmt.Errorf("schedule %s exists but flowc did not create it (its description does not begin with %q): refusing to replace or delete it", name, ownerPrefix)
	}
	for _, r := range c.Rules {
		got, err := d.Events.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(r.Name)})
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
func (d *Deployer) ownRule(ctx context.Context, arn, name string) error {
	ok, err := d.ruleTagged(ctx, aws.String(arn), name, d.machine)
	if err == nil && !ok {
		err = fmt.Errorf("rule %s exists but flowc did not create it for %s (it has no tag %s=%s): refusing to replace or delete it", name, d.machine, ownerTag, d.machine)
	}
	return err
}

// machineTags tags the existing state machine with what c.Tags adds or
// changes (flowc's own and --tag's; tags others put there stay).
func (d *Deployer) machineTags(ctx context.Context, arn string, c *stepfunctions.Compiled) error {
	got, err := d.SFN.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return fmt.Errorf("list the tags of state machine %s: %w", c.Name, err)
	}
	have := map[string]string{}
	for _, t := range got.Tags {
		have[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	add := missingTags(have, c.Tags)
	if len(add) == 0 {
		return nil
	}
	if _, err := d.SFN.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: sfnTags(add)}); err != nil {
		return fmt.Errorf("tag state machine %s: %w", c.Name, err)
	}
	fmt.Fprintf(d.Out, "state machine %s tags: put (%s)\n", c.Name, strings.Join(slices.Sorted(maps.Keys(add)), ", "))
	return nil
}

// ruleTags tags the existing rule with what c.Tags adds or changes.
func (d *Deployer) ruleTags(ctx context.Context, arn, name string, c *stepfunctions.Compiled) error {
	got, err := d.Events.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil {
		return fmt.Errorf("list the tags of rule %s: %w", name, err)
	}
	have := map[string]string{}
	for _, t := range got.Tags {
		have[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	add := missingTags(have, c.Tags)
	if len(add) == 0 {
		return nil
	}
	if _, err := d.Events.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: aws.String(arn), Tags: eventsTags(add)}); err != nil {
		return fmt.Errorf("tag rule %s: %w", name, err)
	}
	fmt.Fprintf(d.Out, "rule %s tags: put (%s)\n", name, strings.Join(slices.Sorted(maps.Keys(add)), ", "))
	return nil
}

// missingTags are the tags of want that have is without or has otherwise.
func missingTags(have, want map[string]string) map[string]string {
	add := map[string]string{}
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			add[k] = v
		}
	}
	return add
}

func sfnTags(m map[string]string) []sfntypes.Tag {
	var out []sfntypes.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, sfntypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func eventsTags(m map[string]string) []ebtypes.Tag {
	var out []ebtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, ebtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// staleRules deletes the rules a previous deployment of this flow made
// that the flow no longer has.
func (d *Deployer) staleRules(ctx context.Context, c *stepfunctions.Compiled) error {
	if d.DryRun {
		return nil
	}
	keep := map[string]bool{}
	for _, r := range c.Rules {
		keep[r.Name] = true
	}
	return d.deleteRules(ctx, c.Name, keep, "deleted (the flow no longer has it)")
}

// deleteRules removes the targets of and deletes each rule named
// MACHINE-... and tagged for machine, except those in keep.
func (d *Deployer) deleteRules(ctx context.Context, machine string, keep map[string]bool, why string) error {
	var token *string
	for {
		page, err := d.Events.ListRules(ctx, &eventbridge.ListRulesInput{NamePrefix: aws.String(machine + "-"), NextToken: token})
		if err != nil {
			return fmt.Errorf("list rules: %w", err)
		}
		for _, r := range page.Rules {
			name := aws.ToString(r.Name)
			if keep[name] {
				continue
			}
			if ok, err := d.ruleTagged(ctx, r.Arn, name, machine); err != nil {
				return err
			} else if !ok {
				continue // another flow's, or not flowc's
			}
			ts, err := d.Events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: r.Name})
			if err != nil {
				return fmt.Errorf("list targets of rule %s: %w", name, err)
			}
			var ids []string
			for _, t := range ts.Targets {
				ids = append(ids, aws.ToString(t.Id))
			}
			if len(ids) > 0 {
				if _, err := d.Events.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: r.Name, Ids: ids}); err != nil {
					return fmt.Errorf("remove the targets of rule %s: %w", name, err)
				}
			}
			if _, err := d.Events.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: r.Name}); err != nil {
				return fmt.Errorf("delete rule %s: %w", name, err)
			}
			fmt.Fprintf(d.Out, "rule %s: %s\n", name, why)
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
