package stepfunctions

import (
	"fmt"
	"strings"

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
}

// NewOptions returns the step-functions target's options with their
// defaults.
func (Target) NewOptions() backends.Options { return &Options{} }

// Flags registers step-functions' own flags.
func (o *Options) Flags(fs *pflag.FlagSet) {
	fs.StringVar(&o.JobQueue, "job-queue", o.JobQueue, "the AWS Batch job queue")
	fs.StringVar(&o.Role, "role", o.Role, "the IAM role ARN the Batch jobs run as")
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
	if _, _, err := splitS3(o.DatastoreRoot); err != nil {
		return err
	}
	if len(o.DatastoreRoot) > 512 {
		return fmt.Errorf("step-functions: --datastore-root is %d characters long; at most 512 keep every container override short", len(o.DatastoreRoot))
	}
	return nil
}
