package argo

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/project"
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
			Env:          c.env(s),
			Resources:    c.resources(s),
			VolumeMounts: []VolumeMount{{Name: outVolume, MountPath: outDir}},
		},
	}
	if out := outputs(s); len(out) > 0 {
		t.Outputs = &Outputs{Parameters: out}
	}
	if r := d.Retry; r != nil && r.Times > 0 {
		t.RetryStrategy = &RetryStrategy{Limit: r.Times, RetryPolicy: "Always", Expression: noRetryExpr}
		if r.MinutesBetweenRetries > 0 {
			t.RetryStrategy.Backoff = &Backoff{Duration: strconv.Itoa(r.MinutesBetweenRetries) + "m"}
		}
	} else {
		// Argo's own errors (the pod could not be made, was deleted or
		// evicted, its init or wait container died) are not the step's:
		// they are retried, a failing step never (OnError). The runner
		// runs the same attempt again, or, when the step had finished,
		// only gives Argo its outputs again (runtime/task).
		t.RetryStrategy = &RetryStrategy{Limit: engineRetries, RetryPolicy: "OnError", Backoff: &Backoff{Duration: "10s", Factor: ptr(2)}}
	}
	t.ActiveDeadlineSeconds = DefaultStepDeadline
	if d.Timeout != nil {
		t.ActiveDeadlineSeconds = d.Timeout.Seconds + deadlineGrace
	}
	c.secrets(s, &t)
	c.kubernetes(s, &t)
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
	t := c.containerTemplateFor(c.steps[c.f.Graph.Start])
	t.Name, t.Inputs, t.Metadata = exitHandler, nil, nil
	t.Container.Image = c.opts.Image
	t.Container.Args = c.exitArgs()
	supportPod(&t)
	c.templates = append(c.templates, t)
}

// exitArgs is the exit handler's runner command line: end-run records how
// the run ended, posts the end event and the notifications. Every value is
// an argument of its own, never a shell's text.
func (c *compiler) exitArgs() []string {
	a := []string{"end-run", "--run-id", "{{workflow.name}}", "--status", "{{workflow.status}}",
		"--datastore-root", kubeLiteral(c.opts.DatastoreRoot)}
	for _, o := range []struct{ flag, value string }{
		{"--event-url", c.opts.EventURL},
		{"--notify-on-error", c.opts.NotifyOnError},
		{"--notify-on-success", c.opts.NotifyOnSuccess},
	} {
		if o.value != "" {
			a = append(a, o.flag, kubeLiteral(o.value))
		}
	}
	return a
}

// supportPod makes t, a copy of a step's template, a pod that only records
// something in the datastore (the run's end, a caught failure): it keeps
// what reaches the datastore (the image, service account, environment and
// secrets) and drops the rest (outputs, volumes, node placement, the
// step's deadline and resources), and is retried, so that a node's hiccup
// does not lose the record.
func supportPod(t *Template) {
	t.Outputs, t.ActiveDeadlineSeconds = nil, 0
	t.NodeSelector, t.Tolerations, t.Volumes = nil, nil, nil
	t.Container.VolumeMounts, t.Container.Ports = nil, nil
	t.Container.Resources = Resources{Requests: map[string]string{"cpu": "100m", "memory": "256Mi"}}
	t.RetryStrategy = &RetryStrategy{Limit: supportRetries, RetryPolicy: "Always", Backoff: &Backoff{Duration: "10s", Factor: ptr(2)}}
}

// noRetryExpr is a retryStrategy's expression that retries an attempt
// unless the runner said no retry can help (as flowc run does): Argo
// retries while it is true, and gives lastRetry.exitCode as text ("-1"
// when the pod has none).
var noRetryExpr = fmt.Sprintf("lastRetry.exitCode != '%d'", ir.RunnerExitNoRetry)

// supportRetries is how often the exit handler and a --caught pod are
// retried (10 s, 20 s, 40 s apart).
const supportRetries = 3

// engineRetries is how often a step without //flow:retry is run again
// after an error of Argo's own (10 s, then 20 s later).
const engineRetries = 2

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
		"--datastore-root", kubeLiteral(c.opts.DatastoreRoot),
		"--outputs", outDir,
		"--capture-logs"}
	if s.SelfLoop {
		a = append(a, "--max-visits", itoa(maxVisits(s)))
	}
	if s.Name == c.f.Graph.Start {
		for _, p := range c.f.Params {
			a = append(a, paramArgs(p)...)
		}
	}
	return a
}

// maxVisits is the most visits Argo runs of self-loop step s. Its
// controller counts nested template calls and fails the workflow at 100
// (maxAllowedStackDepth in workflow/controller/controller.go; the check in
// executeTemplate, operator.go): flow--main is call 1, each foreach body
// around the loop one more, the k-th "STEP--loop" call 2+nest+k, its visit
// one more, and its retryStrategy one more again (the retry node: every
// step has one, for Argo's errors if not for //flow:retry). So visit k
// runs while 3+nest+k+1 <= 99. The runner fails a visit that chooses the
// step again at the limit, saying so (--max-visits), instead of Argo's
// "Maximum recursion depth exceeded".
func maxVisits(s *ir.Step) int {
	return 96 - len(s.Foreach)
}

// paramArgs passes parameter p to the start task as --param-b64
// NAME=BASE64: the value is encoded by an Argo expression, so that neither
// the controller's second substitution pass ({{...}} in a value) nor the
// kubelet's $(VAR) expansion ever sees it, and the runner decodes it. An
// optional parameter without a default has the workflow argument "" when
// not given, which is no value of a number, a boolean or a duration; the
// runner must not see it then, so that the parameter is unset as in flowc
// run. An argument array cannot drop an element, so each of the two is an
// expression that, for "", gives --capture-logs instead, a flag the runner
// already has and may be given twice.
func paramArgs(p ir.Param) []string {
	ref := "workflow.parameters['" + p.Name + "']"
	value := "'" + p.Name + "=' + toBase64(" + ref + ")"
	if p.Default != nil || p.Required {
		return []string{"--param-b64", "{{=" + value + "}}"}
	}
	unset := "{{=" + ref + " == '' ? '--capture-logs' : "
	return []string{unset + "'--param-b64'}}", unset + value + "}}"}
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

// env is FLOWC_ENGINE and //flow:environment of step s, sorted; a
// variable of the directive named FLOWC_ENGINE wins. Values are written
// for the kubelet (kubeLiteral); a value with {{, which Argo's controller
// would substitute and cannot escape, is a diagnostic.
func (c *compiler) env(s *ir.Step) []EnvVar {
	vars := map[string]string{engineEnv.Name: engineEnv.Value}
	// The run's project and branch, for its tags and flow.Context.
	for _, kv := range project.OfFlow(c.f).Env() {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	if e := s.Decorators.Environment; e != nil {
		for _, k := range sortedKeys(e.Vars) {
			v := e.Vars[k]
			if strings.Contains(v, "{{") {
				c.add(e.Pos, diag.TargetValue, "step %s: environment variable %s contains {{, which Argo's controller would substitute; Argo has no escape for it", s.Name, k)
			}
			vars[k] = v
		}
	}
	var out []EnvVar
	for k, v := range vars {
		out = append(out, EnvVar{Name: k, Value: kubeLiteral(v)})
	}
	if e, ok := c.triggerEnv(); ok && s.Name == c.f.Graph.Start {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// kubeLiteral writes s so that the kubelet, which expands $(VAR) in a
// container's args and env values (and turns $$ into $), passes it
// unchanged: every $ doubled. Only text flowc writes literally goes
// through it; a parameter's value reaches the runner base64-encoded.
func kubeLiteral(s string) string { return strings.ReplaceAll(s, "$", "$$") }

// secrets makes //flow:secrets and kubernetes secrets= environment from
// Kubernetes Secrets: each source is a Secret in the workflow's namespace,
// every key of which becomes a variable. flowc never sees a value.
func (c *compiler) secrets(s *ir.Step, t *Template) {
	names := append([]string(nil), c.opts.Secrets...)
	var pos ir.Pos
	if sec := s.Decorators.Secrets; sec != nil {
		names, pos = append(names, sec.Sources...), sec.Pos
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

// defaultDisk is a pod's ephemeral storage in MiB when neither
// //flow:resources nor //flow:kubernetes says (Metaflow's default).
const defaultDisk = 10240

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
	cpu, mem, disk, gpu, vendor := 1.0, 4096, defaultDisk, 0, "nvidia"
	if r := s.Decorators.Resources; r != nil {
		// resources' disk has no default: 0 when not given, so that a
		// kubernetes disk= below the default counts.
		cpu, mem, gpu, disk = r.CPU, r.Memory, r.GPU, r.Disk
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
	if disk == 0 {
		disk = defaultDisk
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
