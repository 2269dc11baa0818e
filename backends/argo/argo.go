package argo

import (
	"bytes"
	"fmt"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

func init() { backends.Register(Target{}) }

// Target is the argo target.
type Target struct{}

// Name returns "argo".
func (Target) Name() string { return "argo" }

// API versions and kinds of the objects flowc emits.
const (
	apiVersion = "argoproj.io/v1alpha1"
	outDir     = "/tmp/flowc-out" // the runner's --outputs directory
	outVolume  = "flowc-out"
)

// Objects are what a flow compiles to: the template, and the CronWorkflow
// and Sensor when the flow asks for them.
type Objects struct {
	Template *WorkflowTemplate
	Cron     *CronWorkflow
	Sensor   *Sensor
	// SensorNamespace is where the Sensor goes, or where a Sensor flowc
	// made before is when the flow has none now (--sensor-namespace);
	// empty for the objects' namespace.
	SensorNamespace string
}

// Compile returns one file, FLOW.argo.yaml, holding every object as a YAML
// stream with "---" between them.
func (Target) Compile(f *ir.Flow, opts backends.Options) ([]backends.File, diag.List, error) {
	o, err := backends.OptionsFor[*Options]("argo", opts)
	if err != nil {
		return nil, nil, err
	}
	objs, diags, err := CompileObjects(f, *o)
	if err != nil || len(diags) > 0 {
		return nil, diags, err
	}
	data, err := objs.Marshal()
	if err != nil {
		return nil, nil, fmt.Errorf("compile %s for argo: %w", f.Name, err)
	}
	return []backends.File{{Name: f.Name + ".argo.yaml", Data: data}}, nil, nil
}

// Marshal writes the objects as one YAML stream, template first.
func (o *Objects) Marshal() ([]byte, error) {
	var b bytes.Buffer
	for _, obj := range o.List() {
		data, err := yaml.Marshal(obj)
		if err != nil {
			return nil, err
		}
		if b.Len() > 0 {
			b.WriteString("---\n")
		}
		b.Write(data)
	}
	return b.Bytes(), nil
}

// List returns the objects that are there, template first.
func (o *Objects) List() []any {
	out := []any{o.Template}
	if o.Cron != nil {
		out = append(out, o.Cron)
	}
	if o.Sensor != nil {
		out = append(out, o.Sensor)
	}
	return out
}

// CompileObjects makes the objects of f as Compile does, with every check: what
// Argo cannot express, and objects too big for Kubernetes. flowc deploy
// argo sends them.
func CompileObjects(f *ir.Flow, opts Options) (*Objects, diag.List, error) {
	objs, diags := Build(f, opts)
	if len(diags) > 0 {
		return nil, diags, nil
	}
	diags, err := checkSizes(f, opts.Dir, objs)
	if err != nil || len(diags) > 0 {
		return nil, diags, err
	}
	return objs, nil, nil
}

// Build makes the objects of f; diagnostics name what Argo cannot express.
// It does not check their sizes.
func Build(f *ir.Flow, opts Options) (*Objects, diag.List) {
	c := newCompiler(f, opts)
	c.diags = append(c.diags, support.Diagnose("argo", opts.Dir, f)...)
	objs := c.build()
	return objs, c.diags.Sorted()
}

// compiler holds the state of one compilation.
type compiler struct {
	f     *ir.Flow
	opts  Options
	diags diag.List
	base  string              // the objects' name
	names map[string]string   // step name to template and task name
	steps map[string]*ir.Step // by name
	// templates collects the templates in the order they are made; done
	// marks the names already made.
	templates []Template
	done      map[string]bool
}

func newCompiler(f *ir.Flow, opts Options) *compiler {
	c := &compiler{f: f, opts: opts, names: map[string]string{}, steps: map[string]*ir.Step{}, done: map[string]bool{}}
	seen := map[string]string{}
	for _, s := range f.Steps {
		n := stepName(s.Name)
		if other, dup := seen[n]; dup {
			// Cannot happen for names the front end accepts; a
			// diagnostic rather than a panic if it ever does.
			c.add(s.Pos, diag.TargetName, "step %s and step %s both map to the Argo name %q", other, s.Name, n)
		}
		seen[n] = s.Name
		c.names[s.Name] = n
		c.steps[s.Name] = s
	}
	return c
}

func (c *compiler) add(p ir.Pos, code diag.Code, format string, args ...any) {
	c.diags.Add(position(c.opts.Dir, p), code, format, args...)
}

// position is p as a diagnostic's position: its file below the flow's
// package directory dir.
func position(dir string, p ir.Pos) diag.Pos {
	return diag.Pos(p.In(dir))
}

func (c *compiler) build() *Objects {
	c.base = c.baseName()
	spec := WorkflowSpec{
		Entrypoint:            entrypoint,
		OnExit:                exitHandler,
		Arguments:             c.arguments(),
		Parallelism:           c.parallelism(),
		ActiveDeadlineSeconds: c.workflowDeadline(),
		WorkflowMetadata:      &ObjectMeta{Labels: c.labels()},
		PodMetadata:           c.podMetadata(),
		ServiceAccountName:    c.opts.ServiceAccount,
		NodeSelector:          c.opts.NodeSelector,
		PodPriorityClassName:  c.opts.PriorityClass,
	}
	for _, n := range c.opts.ImagePullSecrets {
		spec.ImagePullSecrets = append(spec.ImagePullSecrets, LocalObjectReference{Name: n})
	}
	c.runSettings(&spec)
	c.dagTemplate(entrypoint, nil)
	c.exitTemplate()
	spec.Templates = c.templates
	objs := &Objects{Template: &WorkflowTemplate{
		APIVersion: apiVersion,
		Kind:       "WorkflowTemplate",
		Metadata: ObjectMeta{
			Name:        c.base,
			Namespace:   c.opts.Namespace,
			Labels:      c.labels(),
			Annotations: map[string]string{"flowc.dev/flow-name": c.f.Name, "flowc.dev/package": c.f.Package, "flowc.dev/datastore-root": c.opts.DatastoreRoot},
		},
		Spec: spec,
	}}
	objs.Cron = c.cron()
	objs.Sensor = c.sensor()
	objs.SensorNamespace = c.opts.SensorNamespace
	if objs.Sensor != nil {
		objs.SensorNamespace = objs.Sensor.Metadata.Namespace
	}
	return objs
}

// runSettings sets what the flow-wide flags ask of every pod and of the
// run itself: tolerations (a step's own replace them, as Argo does), the
// security context, pod GC and the run's TTL.
func (c *compiler) runSettings(spec *WorkflowSpec) {
	for _, s := range c.opts.Tolerations {
		t, _ := ParseToleration(s) // Options.Check refused what does not parse
		spec.Tolerations = append(spec.Tolerations, t)
	}
	sc := &PodSecurityContext{RunAsUser: c.opts.RunAsUser, RunAsGroup: c.opts.RunAsGroup, FSGroup: c.opts.FSGroup}
	if c.opts.RunAsNonRoot {
		sc.RunAsNonRoot = ptr(true)
	}
	if *sc != (PodSecurityContext{}) {
		spec.SecurityContext = sc
	}
	if c.opts.PodGC != "" {
		spec.PodGC = &PodGC{Strategy: c.opts.PodGC}
	}
	if c.opts.TTL > 0 {
		spec.TTLStrategy = &TTLStrategy{SecondsAfterCompletion: ptr(int(c.opts.TTL / time.Second))}
	}
}

// Defaults of the workflow: at most DefaultParallelism pods at once (as
// Metaflow's --max-workers), a run stopped after DefaultWorkflowDeadline
// seconds (30 days: a backstop for runs nobody watches, its exit handler
// still records the run failed), and a step without //flow:timeout
// stopped after DefaultStepDeadline seconds (Metaflow's 5 days).
const (
	DefaultParallelism      = 100
	DefaultWorkflowDeadline = 30 * 24 * 3600
	DefaultStepDeadline     = 5 * 24 * 3600
)

// parallelism is --max-workers, or DefaultParallelism.
func (c *compiler) parallelism() int {
	if c.opts.MaxWorkers > 0 {
		return c.opts.MaxWorkers
	}
	return DefaultParallelism
}

// workflowDeadline is --workflow-timeout in seconds, or
// DefaultWorkflowDeadline.
func (c *compiler) workflowDeadline() int {
	if c.opts.WorkflowTimeout > 0 {
		return int(c.opts.WorkflowTimeout / time.Second)
	}
	return DefaultWorkflowDeadline
}

// baseName names the flow's objects, or reports why it cannot at the
// project directive or the flow.
func (c *compiler) baseName() string {
	name, err := TemplateName(c.f)
	if err != nil {
		pos := c.f.Pos
		if p := c.f.Decorators.Project; p != nil {
			pos = p.Pos
		}
		c.add(pos, diag.TargetName, "%v", err)
		return "invalid"
	}
	return name
}

// podMetadata is the metadata of every pod: --label and --annotation,
// and flowc's labels, which win.
func (c *compiler) podMetadata() *ObjectMeta {
	m := &ObjectMeta{Labels: map[string]string{}}
	for k, v := range c.opts.Labels {
		m.Labels[k] = v
	}
	for k, v := range c.labels() {
		m.Labels[k] = v
	}
	if len(c.opts.Annotations) > 0 {
		m.Annotations = map[string]string{}
		for k, v := range c.opts.Annotations {
			m.Annotations[k] = v
		}
	}
	return m
}

// labels are the labels of every object and pod of the flow.
func (c *compiler) labels() map[string]string {
	l := map[string]string{"app.kubernetes.io/managed-by": "flowc", "flowc.dev/flow": c.base}
	if p := c.f.Decorators.Project; p != nil && labelValue(p.Name) == "" {
		l["flowc.dev/project"] = p.Name
	}
	return l
}

func ptr[T any](v T) *T { return &v }
