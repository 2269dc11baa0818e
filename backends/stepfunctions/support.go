package stepfunctions

import (
	"strings"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// notYet is why flowc's step-functions target refuses what Batch could
// express but flowc does not emit yet.
const notYet = "flowc's step-functions target does not emit it yet"

// support is the step-functions target's column of the directive ×
// attribute table (see backends.Support): what it expresses, and why not
// the rest. Values an attribute may not take (a secret that is not an ARN,
// a schedule EventBridge cannot say) are checked where the value is used.
var support = backends.Support{
	"retry":                         backends.Yes,
	"retry times":                   backends.Yes,
	"retry minutes_between_retries": backends.Yes,
	"catch":                         backends.Yes,
	"catch var print_exception":     backends.Yes,
	"timeout":                       backends.Yes,
	"timeout seconds minutes hours": backends.Yes,
	"resources":                     backends.Yes,
	"resources cpu gpu memory":      backends.Yes,
	"resources disk":                backends.Ignored("a Batch job on EC2 has its instance's disk (as in Metaflow, resources disk applies on Kubernetes)"),
	"resources shared_memory":       backends.No(notYet + "; use //flow:batch shared_memory="),
	"environment":                   backends.Yes,
	"environment vars":              backends.Yes,
	"secrets":                       backends.Yes,
	"secrets sources":               backends.Yes,
	"secrets role":                  backends.No("Batch reads secrets with the job's execution role (batch execution_role=, or the flow's --execution-role)"),
	"secrets allow_override":        backends.Yes,
	"cache":                         backends.Ignored("the step cache is flowc run's: a state machine runs every task it reaches"),
	"card":                          backends.Yes,
	"card type id timeout options refresh_interval save_errors": backends.Yes,
	"kubernetes":                backends.Yes,
	"kubernetes cpu memory gpu": backends.Yes,
	"kubernetes disk gpu_vendor image image_pull_policy namespace service_account secrets node_selector tolerations labels annotations": backends.Ignored(podOnly),
	"kubernetes use_tmpfs tmpfs_size tmpfs_path persistent_volume_claims shared_memory port compute_pool qos":                           backends.Ignored(podOnly),
	"batch": backends.Yes,
	"batch cpu gpu memory image iam_role shared_memory max_swap swappiness privileged aws_batch_tags": backends.Yes,
	"batch queue":             backends.Yes,
	"batch execution_role":    backends.Yes,
	"batch use_tmpfs":         backends.Yes,
	"batch tmpfs_size":        backends.Yes,
	"batch tmpfs_path":        backends.Yes,
	"batch inferentia":        backends.No(notYet),
	"batch trainium":          backends.No(notYet),
	"batch efa":               backends.No(notYet),
	"batch ephemeral_storage": backends.No(notYet),
	"batch log_driver":        backends.No(notYet),
	"batch log_options":       backends.No(notYet),
	"batch host_volumes":      backends.No(notYet),
	"batch efs_volumes":       backends.No(notYet),
	"schedule":                backends.Yes,
	"schedule cron weekly daily hourly timezone": backends.Yes,
	"project":                        backends.Yes,
	"project name branch production": backends.Yes,
	"trigger":                        backends.Yes,
	"trigger event events":           backends.Yes,
	"trigger options":                backends.No("an EventBridge rule takes no options"),
	"trigger_on_finish":              backends.Yes,
	"trigger_on_finish flow flows":   backends.Yes,
	"trigger_on_finish options":      backends.No("an EventBridge rule takes no options"),
}

// podOnly is why the kubernetes settings other than its size do nothing
// on Batch.
const podOnly = "it shapes a Kubernetes pod; on Batch only kubernetes cpu, memory and gpu size the job (the largest of resources, batch and kubernetes)"

// Support returns the step-functions target's column of the support table.
func (Target) Support() backends.Support { return support }

// checkStep reports what of a step this target cannot express beyond the
// support table: a step name too long for a state name, and secrets that
// are not ARNs.
func (c *compiler) checkStep(s *ir.Step) {
	if len(s.Name) > maxStepName {
		c.diags.Add(c.pos(s.Pos), diag.TargetLimit,
			"step-functions: step name %s is %d characters long; state names are limited to %d, so step names to %d",
			s.Name, len(s.Name), maxStateName, maxStepName)
	}
	if sec := s.Decorators.Secrets; sec != nil {
		for _, src := range sec.Sources {
			if c.secretARN(src) == "" {
				c.diags.Add(c.pos(sec.Pos), diag.TargetUnsupported,
					"step-functions: secret %q is not an ARN; give its Secrets Manager ARN, or --job-queue as an ARN so that its region and account make one", src)
			}
		}
	}
	if b := s.Decorators.Batch; b != nil && b.ExecutionRole != "" && !strings.HasPrefix(b.ExecutionRole, "arn:") {
		c.diags.Add(c.pos(b.Pos), diag.TargetValue,
			"step-functions: batch execution_role %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", b.ExecutionRole)
	}
}
