package argo

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// containerTemplate makes the template that runs step s: the task runner
// with an argument array (no shell), its task id as input "task-id", and
// the outputs its dependants read: "next" for a conditional step and
// "splits" for a foreach. The runner writes both files under outDir, an
// emptyDir, so the executor can read them back.
func (c *compiler) containerTemplate(s *ir.Step) {
	n := c.names[s.Name]
	if c.done[n] {
		return
	}
	c.done[n] = true
	c.templates = append(c.templates, c.containerTemplateFor(s))
}

// containerTemplateFor builds the container template of step s.
func (c *compiler) containerTemplateFor(s *ir.Step) Template {
	n := c.names[s.Name]
	d := s.Decorators
	t := Template{
		Name:     n,
		Inputs:   &Inputs{Parameters: []Parameter{{Name: "task-id"}}},
		Metadata: &ObjectMeta{Labels: map[string]string{"flowc.dev/step": n}, Annotations: map[string]string{"flowc.dev/step-name": s.Name}},
		Volumes:  []Volume{{Name: outVolume, EmptyDir: &EmptyDir{}}},
		Container: &Container{
			Name:         "main",
			Image:        c.opts.Image,
			Command:      []string{ir.RunnerPath},
			Args:         c.args(s),
			Env:          env(d.Environment),
			Resources:    c.resources(s),
			VolumeMounts: []VolumeMount{{Name: outVolume, MountPath: outDir}},
		},
	}
	if out := outputs(s); len(out) > 0 {
		t.Outputs = &Outputs{Parameters: out}
	}
	if r := d.Retry; r != nil && r.Times > 0 {
		t.RetryStrategy = &RetryStrategy{Limit: r.Times, RetryPolicy: "Always"}
		if r.MinutesBetweenRetries > 0 {
			t.RetryStrategy.Backoff = &Backoff{Duration: strconv.Itoa(r.MinutesBetweenRetries) + "m"}
		}
	}
	if d.Timeout != nil {
		t.ActiveDeadlineSeconds = d.Timeout.Seconds + deadlineGrace
	}
	c.secrets(s, &t)
	c.kubernetes(s, &t)
	if d.Batch != nil {
		c.add(d.Batch.Pos, diag.TargetUnsupported, "step %s: //flow:batch shapes an AWS Batch job; on argo use //flow:kubernetes", s.Name)
	}
	return t
}

// deadlineGrace is added to a step's timeout for the pod's
// activeDeadlineSeconds. The runner itself stops the step at its timeout
// (cancelling its context, and recording the failure, or catching it); the
// pod's deadline, which also counts scheduling and the image pull, is only
// the backstop for a step that ignores its context.
const deadlineGrace = 60

// exitHandler is the template Argo runs when the workflow ends, however it
// ends: the runner's end-run records a failed run as failed (End records a
// run that succeeded).
const exitHandler = "flow--exit"

func (c *compiler) exitTemplate() {
	c.templates = append(c.templates, Template{
		Name: exitHandler,
		Container: &Container{
			Name:    "main",
			Image:   c.opts.Image,
			Command: []string{ir.RunnerPath},
			Args: []string{"end-run", "--run-id", "{{workflow.name}}", "--status", "{{workflow.status}}",
				"--datastore-root", c.opts.DatastoreRoot},
			Env:       []EnvVar{engineEnv},
			Resources: Resources{Requests: map[string]string{"cpu": "100m", "memory": "256Mi"}},
		},
	})
}

// engineEnv tells the runner which engine runs it, for the run's tags.
var engineEnv = EnvVar{Name: "FLOWC_ENGINE", Value: "argo"}

// args is the runner's command line for step s. The retry count is Argo's
// {{retries}} where the template has a retryStrategy (Argo defines it only
// there), else 0. The start task gets every parameter.
func (c *compiler) args(s *ir.Step) []string {
	retries := "0"
	if r := s.Decorators.Retry; r != nil && r.Times > 0 {
		retries = "{{retries}}"
	}
	a := []string{"step", s.Name,
		"--run-id", "{{workflow.name}}",
		"--task-id", "{{inputs.parameters.task-id}}",
		"--retry-count", retries,
		"--datastore-root", c.opts.DatastoreRoot,
		"--outputs", outDir,
		"--capture-logs"}
	if s.Name == c.f.Graph.Start {
		for _, p := range c.f.Params {
			a = append(a, paramArgs(p)...)
		}
	}
	return a
}

// paramArgs passes parameter p to the start task: --param NAME=VALUE. An
// optional parameter without a default has the workflow argument "" when
// not given, which is no value of a number, a boolean or a duration; the
// runner must not see it then, so that the parameter is unset as in
// flowc run. An argument array cannot drop an element, so each of the two
// is an Argo expression that, for "", gives --capture-logs instead, a flag
// the runner already has and may be given twice.
func paramArgs(p ir.Param) []string {
	ref := "workflow.parameters['" + p.Name + "']"
	if p.Default != nil || p.Required {
		return []string{"--param", p.Name + "={{workflow.parameters." + p.Name + "}}"}
	}
	unset := "{{=" + ref + " == '' ? '--capture-logs' : "
	return []string{unset + "'--param'}}", unset + "'" + p.Name + "=' + " + ref + "}}"}
}

// outputs are the output parameters of step s's container.
func outputs(s *ir.Step) []Parameter {
	switch s.Kind {
	case ir.KindConditional:
		return []Parameter{{Name: "next", ValueFrom: &ValueFrom{Path: outDir + "/next"}}}
	case ir.KindForeach:
		return []Parameter{{Name: "splits", ValueFrom: &ValueFrom{Path: outDir + "/splits"}}}
	}
	return nil
}

// env is FLOWC_ENGINE and //flow:environment, sorted; a variable of the
// directive named FLOWC_ENGINE wins.
func env(e *ir.Environment) []EnvVar {
	vars := map[string]string{engineEnv.Name: engineEnv.Value}
	if e != nil {
		for k, v := range e.Vars {
			vars[k] = v
		}
	}
	var out []EnvVar
	for k, v := range vars {
		out = append(out, EnvVar{Name: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// secrets makes //flow:secrets and kubernetes secrets= environment from
// Kubernetes Secrets: each source is a Secret in the workflow's namespace,
// every key of which becomes a variable. flowc never sees a value.
func (c *compiler) secrets(s *ir.Step, t *Template) {
	var names []string
	var pos ir.Pos
	if sec := s.Decorators.Secrets; sec != nil {
		names, pos = append(names, sec.Sources...), sec.Pos
		if sec.Role != "" {
			c.add(sec.Pos, diag.TargetUnsupported, "step %s: secrets role= is an IAM role; on argo the pod's service account (kubernetes service_account=) decides what it may read", s.Name)
		}
		if sec.AllowOverride {
			c.add(sec.Pos, diag.TargetUnsupported, "step %s: secrets allow_override=true cannot be expressed: in Kubernetes a variable set by env always wins over one from a Secret", s.Name)
		}
	}
	if k := s.Decorators.Kubernetes; k != nil {
		if len(k.Secrets) > 0 {
			pos = k.Pos
		}
		names = append(names, k.Secrets...)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		if len(n) > 253 || !dnsSubdomain.MatchString(n) {
			c.add(pos, diag.TargetValue, "step %s: secret %q is not a Kubernetes Secret name (lowercase letters, digits, '-' and '.')", s.Name, n)
			continue
		}
		t.Container.EnvFrom = append(t.Container.EnvFrom, EnvFromSource{SecretRef: &LocalObjectReference{Name: n}})
	}
}

// quantity writes a CPU count as a Kubernetes quantity.
func quantity(cpu float64) string { return strconv.FormatFloat(cpu, 'f', -1, 64) }

// mib writes MiB as a Kubernetes quantity.
func mib(n int) string { return fmt.Sprintf("%dMi", n) }

// resources merges //flow:resources and //flow:kubernetes as Metaflow does:
// the larger of each when both are there (kubernetes' attributes carry
// their defaults: 1 CPU, 4096 MiB of memory, 10240 MiB of disk), one's own
// when one is, and those defaults for a step that names neither. GPUs are
// limits of the vendor's resource; QoS Guaranteed makes every limit equal
// to its request.
func (c *compiler) resources(s *ir.Step) Resources {
	cpu, mem, disk, gpu, vendor := 1.0, 4096, 10240, 0, "nvidia"
	if r := s.Decorators.Resources; r != nil {
		cpu, mem, gpu = r.CPU, r.Memory, r.GPU
		if r.Disk > 0 {
			disk = r.Disk
		}
	}
	k := s.Decorators.Kubernetes
	if k != nil && s.Decorators.Resources == nil {
		cpu, mem, gpu, disk = k.CPU, k.Memory, k.GPU, k.Disk
	} else if k != nil {
		cpu, mem, gpu, disk = max(cpu, k.CPU), max(mem, k.Memory), max(gpu, k.GPU), max(disk, k.Disk)
	}
	if k != nil {
		if k.GPUVendor != "" {
			vendor = k.GPUVendor
		}
	}
	req := map[string]string{"cpu": quantity(cpu), "memory": mib(mem), "ephemeral-storage": mib(disk)}
	res := Resources{Requests: req}
	if k != nil && k.QOS == "Guaranteed" {
		res.Limits = map[string]string{"cpu": req["cpu"], "memory": req["memory"], "ephemeral-storage": req["ephemeral-storage"]}
	}
	if gpu > 0 {
		key := vendor + ".com/gpu"
		if vendor != "nvidia" && vendor != "amd" {
			c.add(k.Pos, diag.TargetValue, "step %s: gpu_vendor %q: argo knows nvidia (nvidia.com/gpu) and amd (amd.com/gpu)", s.Name, vendor)
		}
		if res.Limits == nil {
			res.Limits = map[string]string{}
		}
		res.Limits[key] = strconv.Itoa(gpu)
	}
	return res
}
