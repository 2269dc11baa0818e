package stepfunctions

import (
	"fmt"
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

// maxWorkflowTimeout is the longest a standard execution may run.
const maxWorkflowTimeout = 365 * 24 * time.Hour
