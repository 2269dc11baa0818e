package stepfunctions

import (
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// checkStep reports what of a step this target cannot express.
func (c *compiler) checkStep(s *ir.Step) {
	if len(s.Name) > maxStepName {
		c.diags.Add(c.pos(s.Pos), diag.TargetLimit,
			"step-functions: step name %s is %d characters long; state names are limited to %d, so step names to %d",
			s.Name, len(s.Name), maxStateName, maxStepName)
	}
	d := s.Decorators
	if d.Secrets != nil {
		for _, src := range d.Secrets.Sources {
			if c.secretARN(src) == "" {
				c.diags.Add(c.pos(d.Secrets.Pos), diag.TargetUnsupported,
					"step-functions: secret %q is not an ARN; give its Secrets Manager ARN, or --job-queue as an ARN so that its region and account make one", src)
			}
		}
		if d.Secrets.Role != "" {
			c.diags.Add(c.pos(d.Secrets.Pos), diag.TargetUnsupported,
				"step-functions: secrets role= is not supported: Batch reads secrets with the job's execution role (batch execution_role=, or the flow's execution role)")
		}
	}
	if b := d.Batch; b != nil {
		if b.ExecutionRole != "" && !strings.HasPrefix(b.ExecutionRole, "arn:") {
			c.diags.Add(c.pos(b.Pos), diag.TargetValue,
				"step-functions: batch execution_role %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", b.ExecutionRole)
		}
		for _, u := range []struct {
			set  bool
			attr string
		}{
			{b.Queue != "", "queue"},
			{b.UseTmpfs || b.TmpfsSize != 0 || b.TmpfsPath != "", "use_tmpfs, tmpfs_size and tmpfs_path"},
			{b.Inferentia != 0, "inferentia"},
			{b.Trainium != 0, "trainium"},
			{b.EFA != 0, "efa"},
			{b.EphemeralStorage != 0, "ephemeral_storage"},
			{b.LogDriver != "" || len(b.LogOptions) > 0, "log_driver and log_options"},
			{len(b.HostVolumes) > 0, "host_volumes"},
			{len(b.EFSVolumes) > 0, "efs_volumes"},
		} {
			if u.set {
				c.diags.Add(c.pos(b.Pos), diag.TargetUnsupported,
					"step-functions: batch %s is not supported yet by flowc's step-functions target", u.attr)
			}
		}
	}
}
