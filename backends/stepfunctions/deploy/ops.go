package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	batchtypes "github.com/aws/aws-sdk-go-v2/service/batch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/flowc-dev/flowc/backends/stepfunctions"
)

// Flow is a state machine flowc deployed (it carries flowc's tag).
type Flow struct {
	Machine string // the state machine's name
	ARN     string
	Flow    string // the flow's name (the tag flowc:flow-name), "" on a machine deployed before it
	Created time.Time
}

// Flows lists the state machines flowc deployed, by name.
func (c *Clients) Flows(ctx context.Context) ([]Flow, error) {
	var out []Flow
	p := sfn.NewListStateMachinesPaginator(c.SFN, &sfn.ListStateMachinesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list state machines: %w", err)
		}
		for _, m := range page.StateMachines {
			name, arn := aws.ToString(m.Name), aws.ToString(m.StateMachineArn)
			tags, err := c.SFN.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			if err != nil {
				return nil, fmt.Errorf("list the tags of state machine %s: %w", name, err)
			}
			f := Flow{Machine: name, ARN: arn, Created: aws.ToTime(m.CreationDate)}
			owned := false
			for _, t := range tags.Tags {
				switch aws.ToString(t.Key) {
				case ownerTag:
					owned = aws.ToString(t.Value) == name
				case stepfunctions.FlowNameTag:
					f.Flow = aws.ToString(t.Value)
				}
			}
			if owned {
				out = append(out, f)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Machine < out[j].Machine })
	return out, nil
}

// Flow returns the deployed flow whose state machine is named machine.
func (c *Clients) Flow(ctx context.Context, machine string) (Flow, error) {
	flows, err := c.Flows(ctx)
	if err != nil {
		return Flow{}, err
	}
	for _, f := range flows {
		if f.Machine == machine {
			return f, nil
		}
	}
	if arn, err := FindMachine(ctx, c.SFN, machine); err == nil && arn != "" {
		return Flow{}, fmt.Errorf("state machine %s exists but flowc did not deploy it (it has no tag %s=%s)", machine, ownerTag, machine)
	}
	return Flow{}, fmt.Errorf("no state machine %s deployed by flowc (flowc step-functions list shows them)", machine)
}

// Execution is one execution of a deployed flow; its name is the run id.
type Execution struct {
	Name        string
	ARN         string
	Status      string // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
	Start, Stop time.Time
	Error       string
	Cause       string
	Input       string
}

// Ended reports whether the execution has ended.
func (e Execution) Ended() bool { return e.Status != string(sfntypes.ExecutionStatusRunning) }

// Executions lists the flow's latest executions, newest first, at most
// max (0: all).
func (c *Clients) Executions(ctx context.Context, f Flow, max int) ([]Execution, error) {
	var out []Execution
	in := &sfn.ListExecutionsInput{StateMachineArn: aws.String(f.ARN)}
	if max > 0 && max < 1000 {
		in.MaxResults = int32(max)
	}
	p := sfn.NewListExecutionsPaginator(c.SFN, in)
	for p.HasMorePages() && (max <= 0 || len(out) < max) {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the executions of %s: %w", f.Machine, err)
		}
		for _, e := range page.Executions {
			out = append(out, Execution{Name: aws.ToString(e.Name), ARN: aws.ToString(e.ExecutionArn), Status: string(e.Status),
				Start: aws.ToTime(e.StartDate), Stop: aws.ToTime(e.StopDate)})
		}
	}
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	return out, nil
}

// Execution finds the execution named run (the run id) of the state
// machine machine, or, with machine "", of any flow flowc deployed.
func (c *Clients) Execution(ctx context.Context, machine, name string) (Flow, Execution, error) {
	if name == "" || strings.Contains(name, "/") {
		return Flow{}, Execution{}, fmt.Errorf("%q is not an execution name", name)
	}
	var flows []Flow
	if machine != "" {
		f, err := c.Flow(ctx, machine)
		if err != nil {
			return Flow{}, Execution{}, err
		}
		flows = []Flow{f}
	} else {
		var err error
		if flows, err = c.Flows(ctx); err != nil {
			return Flow{}, Execution{}, err
		}
	}
	var found []Flow
	var exec Execution
	for _, f := range flows {
		e, err := c.describe(ctx, executionARN(f.ARN, name))
		var nf *sfntypes.ExecutionDoesNotExist
		switch {
		case errors.As(err, &nf):
			continue
		case err != nil:
			return Flow{}, Execution{}, err
		}
		found, exec = append(found, f), e
	}
	switch len(found) {
	case 0:
		if machine != "" {
			return Flow{}, Execution{}, fmt.Errorf("no execution %s of state machine %s", name, machine)
		}
		return Flow{}, Execution{}, fmt.Errorf("no execution %s of a flow flowc deployed (flowc step-functions list shows them)", name)
	case 1:
		return found[0], exec, nil
	}
	var ms []string
	for _, f := range found {
		ms = append(ms, f.Machine)
	}
	return Flow{}, Execution{}, fmt.Errorf("several flows have an execution %s: choose the state machine with --machine (%s)", name, strings.Join(ms, ", "))
}

// executionARN is the ARN of the execution name of the state machine arn.
func executionARN(machineARN, name string) string {
	return strings.Replace(machineARN, ":stateMachine:", ":execution:", 1) + ":" + name
}

// Describe reads an execution anew.
func (c *Clients) Describe(ctx context.Context, e Execution) (Execution, error) {
	return c.describe(ctx, e.ARN)
}

func (c *Clients) describe(ctx context.Context, arn string) (Execution, error) {
	d, err := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		var nf *sfntypes.ExecutionDoesNotExist
		if errors.As(err, &nf) {
			return Execution{}, err
		}
		return Execution{}, fmt.Errorf("describe execution %s: %w", arn, err)
	}
	return Execution{Name: aws.ToString(d.Name), ARN: aws.ToString(d.ExecutionArn), Status: string(d.Status),
		Start: aws.ToTime(d.StartDate), Stop: aws.ToTime(d.StopDate), Error: aws.ToString(d.Error), Cause: aws.ToString(d.Cause),
		Input: aws.ToString(d.Input)}, nil
}

// TerminatedError is the error a terminated execution ends with.
const TerminatedError = "flowc.Terminated"

// Stop stops a running execution (StopExecution): Step Functions ends it
// ABORTED, on which the rule MACHINE-ended records its run failed.
func (c *Clients) Stop(ctx context.Context, e Execution, cause string) error {
	if e.Ended() {
		return fmt.Errorf("execution %s has already ended: %s", e.Name, e.Status)
	}
	_, err := c.SFN.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(e.ARN), Error: aws.String(TerminatedError), Cause: aws.String(cause)})
	if err != nil {
		return fmt.Errorf("stop execution %s: %w", e.Name, err)
	}
	return nil
}

// DatastoreRoot is the datastore root the flow's jobs use, read from the
// command of a job definition its state machine names.
func (c *Clients) DatastoreRoot(ctx context.Context, f Flow) (string, error) {
	d, err := c.SFN.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(f.ARN)})
	if err != nil {
		return "", fmt.Errorf("describe state machine %s: %w", f.Machine, err)
	}
	var m stepfunctions.Machine
	if err := json.Unmarshal([]byte(aws.ToString(d.Definition)), &m); err != nil {
		return "", fmt.Errorf("state machine %s: %w", f.Machine, err)
	}
	name := jobDefinitionOf(m)
	if name == "" {
		return "", fmt.Errorf("state machine %s submits no Batch job", f.Machine)
	}
	jds, err := c.Batch.DescribeJobDefinitions(ctx, &batch.DescribeJobDefinitionsInput{JobDefinitionName: aws.String(name), Status: aws.String("ACTIVE")})
	if err != nil {
		return "", fmt.Errorf("describe job definition %s: %w", name, err)
	}
	for _, jd := range jds.JobDefinitions {
		if jd.ContainerProperties == nil {
			continue
		}
		cmd := jd.ContainerProperties.Command
		if i := slices.Index(cmd, "--datastore-root"); i >= 0 && i+1 < len(cmd) {
			return cmd[i+1], nil
		}
	}
	return "", fmt.Errorf("job definition %s names no --datastore-root", name)
}

// jobDefinitionOf returns the job definition of the first Batch task
// state of m (every flowc job definition has the same --datastore-root).
func jobDefinitionOf(m stepfunctions.Machine) string {
	for _, k := range slices.Sorted(mapKeys(m.States)) {
		s := m.States[k]
		if jd, ok := s.Parameters["JobDefinition"].(string); ok {
			return jd
		}
		for _, b := range s.Branches {
			if jd := jobDefinitionOf(b); jd != "" {
				return jd
			}
		}
		if s.ItemProcessor != nil {
			if jd := jobDefinitionOf(*s.ItemProcessor); jd != "" {
				return jd
			}
		}
	}
	return ""
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Job is a Batch job an execution submitted, with where its output went.
type Job struct {
	ID, Name   string
	Step, Task string // its job parameters step and task
	Status     string
	Created    time.Time
	// Streams are the CloudWatch Logs streams of its attempts, in order
	// (Batch runs a job again whose host went away), in LogGroup.
	Streams  []string
	LogGroup string
}

// DefaultLogGroup is where Batch's awslogs driver writes by default.
const DefaultLogGroup = "/aws/batch/job"

// Jobs lists the Batch jobs the execution submitted (from its history; a
// Distributed Map's items are child executions, whose jobs are not in it),
// oldest first.
func (c *Clients) Jobs(ctx context.Context, e Execution) ([]Job, error) {
	var ids []string
	p := sfn.NewGetExecutionHistoryPaginator(c.SFN, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(e.ARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the history of execution %s: %w", e.Name, err)
		}
		for _, ev := range page.Events {
			d := ev.TaskSubmittedEventDetails
			if d == nil || aws.ToString(d.ResourceType) != "batch" {
				continue
			}
			var out struct{ JobId string }
			if json.Unmarshal([]byte(aws.ToString(d.Output)), &out) == nil && out.JobId != "" {
				ids = append(ids, out.JobId)
			}
		}
	}
	var jobs []Job
	for chunk := range slices.Chunk(ids, 100) {
		out, err := c.Batch.DescribeJobs(ctx, &batch.DescribeJobsInput{Jobs: chunk})
		if err != nil {
			return nil, fmt.Errorf("describe jobs: %w", err)
		}
		for _, j := range out.Jobs {
			jobs = append(jobs, jobOf(j))
		}
	}
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].Created.Before(jobs[j].Created) })
	return jobs, nil
}

func jobOf(j batchtypes.JobDetail) Job {
	job := Job{ID: aws.ToString(j.JobId), Name: aws.ToString(j.JobName), Step: j.Parameters["step"], Task: j.Parameters["task"],
		Status: string(j.Status), Created: time.UnixMilli(aws.ToInt64(j.CreatedAt)), LogGroup: DefaultLogGroup}
	for _, a := range j.Attempts {
		if a.Container != nil && aws.ToString(a.Container.LogStreamName) != "" {
			job.Streams = append(job.Streams, aws.ToString(a.Container.LogStreamName))
		}
	}
	if ct := j.Container; ct != nil {
		if s := aws.ToString(ct.LogStreamName); s != "" && !slices.Contains(job.Streams, s) {
			job.Streams = append(job.Streams, s)
		}
		if lc := ct.LogConfiguration; lc != nil && lc.Options["awslogs-group"] != "" {
			job.LogGroup = lc.Options["awslogs-group"]
		}
	}
	return job
}

// CopyLog writes the messages of a CloudWatch Logs stream to w, one a line.
func (c *Clients) CopyLog(ctx context.Context, w io.Writer, group, stream string) error {
	in := &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)}
	for {
		out, err := c.Logs.GetLogEvents(ctx, in)
		if err != nil {
			return fmt.Errorf("read log stream %s of group %s: %w", stream, group, err)
		}
		for _, ev := range out.Events {
			msg := strings.TrimSuffix(aws.ToString(ev.Message), "\n")
			if _, err := fmt.Fprintln(w, msg); err != nil {
				return err
			}
		}
		next := aws.ToString(out.NextForwardToken)
		if len(out.Events) == 0 || next == "" || next == aws.ToString(in.NextToken) {
			return nil
		}
		in.NextToken = aws.String(next)
	}
}

// Delete removes a deployed flow: its schedule, its rules, its state
// machine and its job definitions, each only if flowc's tag (the
// schedule: its description) says it made it for this flow. It refuses
// while an execution runs.
func (c *Clients) Delete(ctx context.Context, out io.Writer, f Flow) error {
	running, err := c.SFN.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(f.ARN), StatusFilter: sfntypes.ExecutionStatusRunning, MaxResults: 1})
	if err != nil {
		return fmt.Errorf("list the executions of %s: %w", f.Machine, err)
	}
	if len(running.Executions) > 0 {
		return fmt.Errorf("state machine %s has a running execution (%s): terminate it first (flowc step-functions terminate %s/%s)", f.Machine,
			aws.ToString(running.Executions[0].Name), f.Machine, aws.ToString(running.Executions[0].Name))
	}
	got, err := c.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(scheduleName(f.Machine)), GroupName: aws.String("default")})
	var nf *schedtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
	case err != nil:
		return fmt.Errorf("get schedule %s: %w", f.Machine, err)
	case strings.HasPrefix(aws.ToString(got.Description), ownerPrefix):
		if _, err := c.Scheduler.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: got.Name, GroupName: aws.String("default")}); err != nil {
			return fmt.Errorf("delete schedule %s: %w", aws.ToString(got.Name), err)
		}
		fmt.Fprintf(out, "schedule %s: deleted\n", aws.ToString(got.Name))
	default:
		fmt.Fprintf(out, "schedule %s: kept (flowc did not create it)\n", aws.ToString(got.Name))
	}
	d := &Deployer{Clients: c, Out: out, machine: f.Machine}
	if err := d.deleteRules(ctx, f.Machine, nil, "deleted"); err != nil {
		return err
	}
	if _, err := c.SFN.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(f.ARN)}); err != nil {
		return fmt.Errorf("delete state machine %s: %w", f.Machine, err)
	}
	fmt.Fprintf(out, "state machine %s: deleted\n", f.Machine)
	return c.deregisterJobDefinitions(ctx, out, f.Machine)
}

// deregisterJobDefinitions deregisters the active job definitions named
// MACHINE-... and tagged for the machine.
func (c *Clients) deregisterJobDefinitions(ctx context.Context, out io.Writer, machine string) error {
	var arns []string
	p := batch.NewDescribeJobDefinitionsPaginator(c.Batch, &batch.DescribeJobDefinitionsInput{Status: aws.String("ACTIVE")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe job definitions: %w", err)
		}
		for _, jd := range page.JobDefinitions {
			if strings.HasPrefix(aws.ToString(jd.JobDefinitionName), machine+"-") && jd.Tags[ownerTag] == machine {
				arns = append(arns, aws.ToString(jd.JobDefinitionArn))
			}
		}
	}
	for _, arn := range arns {
		if _, err := c.Batch.DeregisterJobDefinition(ctx, &batch.DeregisterJobDefinitionInput{JobDefinition: aws.String(arn)}); err != nil {
			return fmt.Errorf("deregister job definition %s: %w", arn, err)
		}
		fmt.Fprintf(out, "job definition %s: deregistered\n", arn)
	}
	return nil
}

// scheduleName is the name of the flow's schedule.
func scheduleName(machine string) string { return stepfunctions.ScheduleName(machine) }

// ruleTagged reports whether the rule carries flowc's tag for machine.
func (c *Clients) ruleTagged(ctx context.Context, arn *string, name, machine string) (bool, error) {
	tags, err := c.Events.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: arn})
	if err != nil {
		return false, fmt.Errorf("list the tags of rule %s: %w", name, err)
	}
	return slices.ContainsFunc(tags.Tags, func(t ebtypes.Tag) bool { return aws.ToString(t.Key) == ownerTag && aws.ToString(t.Value) == machine }), nil
}
