package stepfunctions

import (
	"slices"
	"strconv"
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
	"batch ephemeral_storage": backends.Yes,
	"batch log_driver":        backends.Yes,
	"batch log_options":       backends.Yes,
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
	"exit_hook":                      backends.Yes, // End's job on success, flowc.failed's end-run on failure
	"exit_hook on_success on_error":  backends.Yes,
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
	if b := s.Decorators.Batch; b != nil {
		if b.LogDriver != "" && !slices.Contains(logDrivers, b.LogDriver) {
			c.diags.Add(c.pos(b.Pos), diag.TargetValue, "step-functions: batch log_driver %q: Batch takes %s", b.LogDriver, strings.Join(logDrivers, ", "))
		}
		for _, o := range b.LogOptions {
			if k, _, ok := strings.Cut(o, ":"); !ok || k == "" {
				c.diags.Add(c.pos(b.Pos), diag.TargetValue, "step-functions: batch log_options %q: want \"KEY:VALUE\"", o)
			}
		}
		if b.EphemeralStorage > 0 && !c.opts.Fargate {
			c.diags.Add(c.pos(b.Pos), diag.TargetUnsupported, "step-functions: batch ephemeral_storage applies to Fargate jobs only (--fargate); an EC2 job has its instance's disk")
		}
		if b.EphemeralStorage > 0 && b.EphemeralStorage < 21 {
			c.diags.Add(c.pos(b.Pos), diag.TargetValue, "step-functions: batch ephemeral_storage=%d: Fargate takes 21 to 200 GiB", b.EphemeralStorage)
		}
	}
	if c.opts.Fargate {
		c.checkFargate(s)
	}
}

// checkFargate reports what a step asks for that a Fargate job cannot
// have: a GPU, a privileged container, Linux parameters (shared memory,
// swap, tmpfs), and CPU and memory outside Fargate's combinations.
func (c *compiler) checkFargate(s *ir.Step) {
	d := s.Decorators
	rs := resources(d)
	cpu, _ := strconv.ParseFloat(rs[0].Value, 64)
	mem, _ := strconv.Atoi(rs[1].Value)
	if len(rs) > 2 {
		c.diags.Add(c.pos(s.Pos), diag.TargetUnsupported, "step-functions: step %s asks for a GPU, which Fargate jobs cannot have (drop --fargate, or the GPU)", s.Name)
	}
	if b := d.Batch; b != nil {
		if b.Privileged {
			c.diags.Add(c.pos(b.Pos), diag.TargetUnsupported, "step-functions: batch privileged: Fargate jobs cannot be privileged")
		}
		if b.SharedMemory != 0 || b.MaxSwap != 0 || b.Swappiness != 0 || b.UseTmpfs || b.TmpfsSize > 0 {
			c.diags.Add(c.pos(b.Pos), diag.TargetUnsupported, "step-functions: batch shared_memory, max_swap, swappiness and tmpfs: Fargate jobs take no Linux parameters")
		}
	}
	if want := fargateMemory(cpu); want == nil {
		c.diags.Add(c.pos(s.Pos), diag.TargetValue, "step-functions: step %s asks for %g CPUs; a Fargate job takes 0.25, 0.5, 1, 2, 4, 8 or 16", s.Name, cpu)
	} else if !slices.Contains(want, mem) {
		c.diags.Add(c.pos(s.Pos), diag.TargetValue, "step-functions: step %s asks for %d MiB with %g CPUs; a Fargate job with %g CPUs takes %d to %d MiB in steps of %d",
			s.Name, mem, cpu, cpu, want[0], want[len(want)-1], want[1]-want[0])
	}
}

// fargateMemory is the memory (MiB) a Fargate job with cpu vCPUs may
// have, or nil when Fargate has no such size.
func fargateMemory(cpu float64) []int {
	span := func(lo, hi, step int) []int {
		var out []int
		for m := lo; m <= hi; m += step {
			out = append(out, m)
		}
		return out
	}
	switch cpu {
	case 0.25:
		return []int{512, 1024, 2048}
	case 0.5:
		return span(1024, 4096, 1024)
	case 1:
		return span(2048, 8192, 1024)
	case 2:
		return span(4096, 16384, 1024)
	case 4:
		return span(8192, 30720, 1024)
	case 8:
		return span(16384, 61440, 4096)
	case 16:
		return span(32768, 122880, 8192)
	}
	return nil
}
