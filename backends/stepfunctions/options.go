package stepfunctions

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/ir"
)

// Options are the step-functions target's settings: the common ones and
// AWS's own. A new setting is a field here and its flag in Flags (and its
// check in Check).
type Options struct {
	backends.Common
	// JobQueue is the AWS Batch job queue (a name or an ARN).
	JobQueue string
	// Role is the IAM role ARN the jobs, the state machine and the
	// schedule run as.
	Role string
	// JobRole is the IAM role ARN the jobs run as; empty means Role.
	JobRole string
	// EventsRole is the IAM role ARN the schedule and the rules start
	// executions as; empty means Role.
	EventsRole string
	// ExecutionRole is the IAM role ARN ECS starts the jobs' containers
	// with (it reads their secrets); empty means Role.
	ExecutionRole string
	// WorkflowTimeout ends an execution that runs longer (the state
	// machine's TimeoutSeconds); the run is then recorded failed. Zero
	// means DefaultWorkflowTimeout.
	WorkflowTimeout time.Duration
	// Fargate runs the jobs on Fargate (platformCapabilities FARGATE)
	// instead of EC2; the job queue must be a Fargate one.
	Fargate bool
	// AssignPublicIP gives each Fargate job a public IP address (needed
	// in a public subnet without a NAT gateway to pull the image).
	AssignPublicIP bool
	// LogDriver is the jobs' log driver (Batch's default, awslogs, when
	// empty); LogGroup the CloudWatch Logs group of the awslogs driver.
	LogDriver, LogGroup string
	// Tags are KEY=VALUE tags put on everything deploy creates.
	Tags []string
	// NamePrefix begins the name of the state machine and so of
	// everything named after it.
	NamePrefix string
	// HistoryLogGroup is the CloudWatch Logs group ARN the state machine
	// logs its execution history to; HistoryLogLevel how much (ALL,
	// ERROR, FATAL; ERROR when empty); HistoryLogData adds the states'
	// input and output.
	HistoryLogGroup, HistoryLogLevel string
	HistoryLogData                   bool
}

// DefaultWorkflowTimeout is --workflow-timeout's default: 30 days, as the
// argo target's workflow deadline, a backstop for runs nobody watches.
const DefaultWorkflowTimeout = 30 * 24 * time.Hour

// NewOptions returns the step-functions target's options with their
// defaults.
func (Target) NewOptions() backends.Options {
	return &Options{WorkflowTimeout: DefaultWorkflowTimeout}
}

// Flags registers step-functions' own flags.
func (o *Options) Flags(fs *pflag.FlagSet) {
	fs.StringVar(&o.JobQueue, "job-queue", o.JobQueue, "the AWS Batch job queue")
	fs.StringVar(&o.Role, "role", o.Role, "the IAM role ARN the Batch jobs, the state machine, the schedule and the rules run as")
	fs.StringVar(&o.JobRole, "job-role", o.JobRole, "the IAM role ARN the Batch jobs run as (default: --role; a step's batch iam_role= wins)")
	fs.StringVar(&o.EventsRole, "events-role", o.EventsRole, "the IAM role ARN the schedule and the EventBridge rules start executions as (default: --role)")
	fs.StringVar(&o.ExecutionRole, "execution-role", o.ExecutionRole, "the IAM role ARN ECS starts the jobs with, which reads their //flow:secrets (default: --role; a step's batch execution_role= wins)")
	fs.BoolVar(&o.Fargate, "fargate", o.Fargate, "run the jobs on Fargate (platformCapabilities FARGATE; --job-queue a Fargate queue, whose compute environment names the subnets and security groups)")
	fs.BoolVar(&o.AssignPublicIP, "assign-public-ip", o.AssignPublicIP, "with --fargate, give each job a public IP address (a public subnet without a NAT gateway needs it to pull the image)")
	fs.StringVar(&o.LogDriver, "log-driver", o.LogDriver, "the jobs' log driver (default Batch's, awslogs; a step's batch log_driver= wins)")
	fs.StringVar(&o.LogGroup, "log-group", o.LogGroup, "the CloudWatch Logs group the awslogs driver writes the jobs' output to (default Batch's, /aws/batch/job)")
	fs.StringArrayVar(&o.Tags, "tag", o.Tags, "tag `KEY=VALUE` on the job definitions, the state machine and the rules (cost allocation; repeatable)")
	fs.StringVar(&o.NamePrefix, "name-prefix", o.NamePrefix, "begin the state machine's name, and so the job definitions', the schedule's and the rules', with this")
	fs.StringVar(&o.HistoryLogGroup, "history-log-group", o.HistoryLogGroup, "log the executions' history to this CloudWatch Logs group `ARN` (the state machine's loggingConfiguration)")
	fs.StringVar(&o.HistoryLogLevel, "history-log-level", o.HistoryLogLevel, "with --history-log-group: ALL, ERROR or FATAL (default ERROR)")
	fs.BoolVar(&o.HistoryLogData, "history-log-data", o.HistoryLogData, "with --history-log-group: log the states' input and output too (includeExecutionData)")
	fs.DurationVar(&o.WorkflowTimeout, "workflow-timeout", o.WorkflowTimeout, "end an execution that runs longer and record its run failed (the state machine's TimeoutSeconds; at most 8760h, a year)")
}

// Check wants an image, a job queue, an IAM role ARN and an S3 datastore
// root.
func (o *Options) Check() error {
	switch {
	case o.Image == "":
		return fmt.Errorf("step-functions needs --image, the container image holding the task runner at %s", ir.RunnerPath)
	case o.JobQueue == "":
		return fmt.Errorf("step-functions needs --job-queue, the AWS Batch job queue (a name or an ARN)")
	case o.Role == "":
		return fmt.Errorf("step-functions needs --role, the IAM role ARN the jobs, the state machine and the schedule run as")
	case !strings.HasPrefix(o.Role, "arn:"):
		return fmt.Errorf("step-functions: --role %q is not an ARN (arn:aws:iam::ACCOUNT:role/NAME)", o.Role)
	}
	for _, r := range []struct{ flag, v string }{{"--execution-role", o.ExecutionRole}, {"--job-role", o.JobRole}, {"--events-role", o.EventsRole}} {
		if r.v != "" && !strings.HasPrefix(r.v, "arn:") {
			return fmt.Errorf("step-functions: %s %q is not an ARN (arn:aws:iam::ACCOUNT:role/NAME)", r.flag, r.v)
		}
	}
	if o.WorkflowTimeout != 0 && (o.WorkflowTimeout < time.Second || o.WorkflowTimeout > maxWorkflowTimeout) {
		return fmt.Errorf("step-functions: --workflow-timeout %s: want from 1s to %s (Step Functions' limit on a standard execution)", o.WorkflowTimeout, maxWorkflowTimeout)
	}
	if o.AssignPublicIP && !o.Fargate {
		return fmt.Errorf("step-functions: --assign-public-ip applies to Fargate jobs only: give --fargate")
	}
	if o.LogDriver != "" && !slices.Contains(logDrivers, o.LogDriver) {
		return fmt.Errorf("step-functions: --log-driver %q: want one of %s", o.LogDriver, strings.Join(logDrivers, ", "))
	}
	if o.LogGroup != "" && o.LogDriver != "" && o.LogDriver != "awslogs" {
		return fmt.Errorf("step-functions: --log-group is the awslogs driver's, not %s's", o.LogDriver)
	}
	if _, err := ParseTags(o.Tags); err != nil {
		return err
	}
	if o.NamePrefix != "" && !validNamePrefix.MatchString(o.NamePrefix) {
		return fmt.Errorf("step-functions: --name-prefix %q: want letters, digits, - and _ only, at most 40", o.NamePrefix)
	}
	if o.HistoryLogGroup != "" && (!strings.HasPrefix(o.HistoryLogGroup, "arn:") || !strings.Contains(o.HistoryLogGroup, ":log-group:")) {
		return fmt.Errorf("step-functions: --history-log-group %q is not a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*)", o.HistoryLogGroup)
	}
	if o.HistoryLogGroup == "" && (o.HistoryLogLevel != "" || o.HistoryLogData) {
		return fmt.Errorf("step-functions: --history-log-level and --history-log-data need --history-log-group")
	}
	if o.HistoryLogLevel != "" && !slices.Contains([]string{"ALL", "ERROR", "FATAL"}, o.HistoryLogLevel) {
		return fmt.Errorf("step-functions: --history-log-level %q: want ALL, ERROR or FATAL", o.HistoryLogLevel)
	}
	if o.MaxWorkers < 0 {
		return fmt.Errorf("--max-workers must not be negative, got %d", o.MaxWorkers)
	}
	if _, _, err := splitS3(o.DatastoreRoot); err != nil {
		return err
	}
	if len(o.DatastoreRoot) > 512 {
		return fmt.Errorf("step-functions: --datastore-root is %d characters long; at most 512 keep every container override short", len(o.DatastoreRoot))
	}
	return nil
}

// logDrivers are the log drivers Batch takes.
var logDrivers = []string{"awslogs", "fluentd", "gelf", "journald", "json-file", "splunk", "syslog"}

// validNamePrefix is what --name-prefix may be: a state machine name's
// characters, leaving room for the flow's name.
var validNamePrefix = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// maxTags is how many tags AWS takes on one resource; flowc's own take
// two of them.
const maxTags = 50

// ParseTags parses --tag's KEY=VALUE values.
func ParseTags(tags []string) (map[string]string, error) {
	out := map[string]string{}
	for _, t := range tags {
		k, v, ok := strings.Cut(t, "=")
		switch {
		case !ok || k == "":
			return nil, fmt.Errorf("step-functions: --tag %q: want KEY=VALUE", t)
		case len(k) > 128 || len(v) > 256:
			return nil, fmt.Errorf("step-functions: --tag %q: a key takes at most 128 characters, a value 256", t)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return nil, fmt.Errorf("step-functions: --tag %q: keys beginning aws: are AWS's", t)
		case k == OwnerTag || k == FlowNameTag:
			return nil, fmt.Errorf("step-functions: --tag %q: %s is flowc's own tag", t, k)
		}
		out[k] = v
	}
	if len(out)+2 > maxTags {
		return nil, fmt.Errorf("step-functions: %d --tag given; AWS takes %d tags on a resource, and flowc's own take 2", len(out), maxTags)
	}
	return out, nil
}

// maxWorkflowTimeout is the longest a standard execution may run.
const maxWorkflowTimeout = 365 * 24 * time.Hour
