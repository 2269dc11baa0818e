package argo

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/flowc-dev/flowc/backends"
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
	d := s.Decorators
	t := Template{
		Name:     n,
		Inputs:   &Inputs{Parameters: []Parameter{{Name: "task-id"}}},
		Metadata: &ObjectMeta{Labels: map[string]string{"flowc.dev/step": n}, Annotations: map[string]string{"flowc.dev/step-name": s.Name}},
		Volumes:  []Volume{{Name: outVolume, EmptyDir: &EmptyDir{}}},
		Container: &Container{
			Name:         "main",
			Image:        c.opts.Image,
			Command:      []string{backends.RunnerPath},
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
		t.ActiveDeadlineSeconds = d.Timeout.Seconds
	}
	c.secrets(s, &t)
	c.kubernetes(s, &t)
	if d.Batch != nil {
		c.add(d.Batch.Pos, diag.ArgoUnsupported, "step %s: //flow:batch shapes an AWS Batch job; on argo use //flow:kubernetes", s.Name)
	}
	c.templates = append(c.templates, t)
}

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
			a = append(a, "--param", p.Name+"={{workflow.parameters."+p.Name+"}}")
		}
	}
	return a
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

// env is //flow:environment as the container's environment, sorted.
func env(e *ir.Environment) []EnvVar {
	if e == nil {
		return nil
	}
	var out []EnvVar
	for k, v := range e.Vars {
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
			c.add(sec.Pos, diag.ArgoUnsupported, "step %s: secrets role= is an IAM role; on argo the pod's service account (kubernetes service_account=) decides what it may read", s.Name)
		}
		if sec.AllowOverride {
			c.add(sec.Pos, diag.ArgoUnsupported, "step %s: secrets allow_override=true cannot be expressed: in Kubernetes a variable set by env always wins over one from a Secret", s.Name)
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
			c.add(pos, diag.ArgoValue, "step %s: secret %q is not a Kubernetes Secret name (lowercase letters, digits, '-' and '.')", s.Name, n)
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
			c.add(k.Pos, diag.ArgoValue, "step %s: gpu_vendor %q: argo knows nvidia (nvidia.com/gpu) and amd (amd.com/gpu)", s.Name, vendor)
		}
		if res.Limits == nil {
			res.Limits = map[string]string{}
		}
		res.Limits[key] = strconv.Itoa(gpu)
	}
	return res
}
