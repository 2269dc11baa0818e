package deploy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

	corev1 "k8s.io/api/core/v1"
)

// Annotations of a WorkflowTemplate that flowc reads back.
const (
	FlowNameAnnotation      = "flowc.dev/flow-name"
	DatastoreRootAnnotation = "flowc.dev/datastore-root"
	stepNameAnnotation      = "flowc.dev/step-name"
	workflowLabel           = "workflows.argoproj.io/workflow" // Argo's label of a run's pods
)

// Flow is a deployed flow: its WorkflowTemplate, and its CronWorkflow and
// Sensor when there are.
type Flow struct {
	Name          string // the objects' name
	Flow          string // the flow's name (its struct type)
	DatastoreRoot string // where its runs write
	Schedules     []string
	Sensor        bool
	Runs          []Run // newest first
}

// Run is one run of a deployed flow: a Workflow.
type Run struct {
	Name     string // the Workflow's name, the run id
	Template string // the WorkflowTemplate it runs
	// Phase is Argo's: Pending, Running, Succeeded, Failed or Error.
	Phase     string
	Suspended bool
	Stopping  string // spec.shutdown: Terminate or Stop, when asked
	Created   time.Time
	Started   time.Time
	Finished  time.Time
	Message   string
	Steps     []StepStatus // by the step's first node
}

// Over reports whether the run ended.
func (r *Run) Over() bool {
	return r.Phase == "Succeeded" || r.Phase == "Failed" || r.Phase == "Error"
}

// StepStatus counts the pods of one step of a run by phase.
type StepStatus struct {
	Step   string         // the flow's step name, or the template's for flowc's own pods
	Phases map[string]int // Argo's node phases: Pending, Running, Succeeded, Failed, Error, Skipped, Omitted
	// Failed holds the message of each failed pod.
	Failed []string
}

// List returns the flows flowc deployed in the namespace, each with its
// runs, newest first.
func List(ctx context.Context, c *Cluster) ([]Flow, error) {
	sel := metav1.ListOptions{LabelSelector: ManagedBy + "=flowc"}
	tmpls, err := c.resource(Templates).List(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("list workflowtemplates in namespace %s: %w", c.Namespace, err)
	}
	crons, err := c.resource(Crons).List(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("list cronworkflows in namespace %s: %w", c.Namespace, err)
	}
	sensors, err := c.resource(Sensors).List(ctx, sel)
	if apierrors.IsNotFound(err) {
		// No Argo Events in the cluster: the API server has no sensors
		// resource, and no flow is started by one.
		sensors, err = &unstructured.UnstructuredList{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list sensors in namespace %s: %w", c.Namespace, err)
	}
	wfs, err := c.resource(Workflows).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list workflows in namespace %s: %w", c.Namespace, err)
	}
	var out []Flow
	for _, t := range tmpls.Items {
		f := Flow{Name: t.GetName(), Flow: t.GetAnnotations()[FlowNameAnnotation], DatastoreRoot: t.GetAnnotations()[DatastoreRootAnnotation]}
		for _, cr := range crons.Items {
			if cr.GetName() == f.Name {
				f.Schedules, _, _ = unstructured.NestedStringSlice(cr.Object, "spec", "schedules")
			}
		}
		for _, s := range sensors.Items {
			f.Sensor = f.Sensor || s.GetName() == f.Name
		}
		for i := range wfs.Items {
			if r := runOf(&wfs.Items[i], nil); r.Template == f.Name {
				f.Runs = append(f.Runs, r)
			}
		}
		slices.SortStableFunc(f.Runs, func(a, b Run) int { return b.Created.Compare(a.Created) })
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Status returns run name as the cluster has it, with its steps.
func Status(ctx context.Context, c *Cluster, name string) (*Run, error) {
	wf, err := c.getRun(ctx, name)
	if err != nil {
		return nil, err
	}
	r := runOf(wf, c.stepNames(ctx, wf))
	return &r, nil
}

// getRun returns the Workflow of run name, when flowc's template runs it.
func (c *Cluster) getRun(ctx context.Context, name string) (*unstructured.Unstructured, error) {
	wf, err := c.resource(Workflows).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("no run %s: workflow.argoproj.io/%s is not in namespace %s", name, name, c.Namespace)
	}
	if err != nil {
		return nil, fmt.Errorf("get workflow.argoproj.io/%s in namespace %s: %w", name, c.Namespace, err)
	}
	if wf.GetLabels()[ManagedBy] != "flowc" && wf.GetLabels()["flowc.dev/flow"] == "" {
		if ref, _, _ := unstructured.NestedString(wf.Object, "spec", "workflowTemplateRef", "name"); ref == "" {
			return nil, fmt.Errorf("workflow.argoproj.io/%s in namespace %s is not a run of a flow flowc deployed", name, c.Namespace)
		}
	}
	return wf, nil
}

// stepNames maps the run's template names to the flow's step names, from
// the run's template (the one stored in its status, else the deployed one).
func (c *Cluster) stepNames(ctx context.Context, wf *unstructured.Unstructured) map[string]string {
	tmpls, ok, _ := unstructured.NestedSlice(wf.Object, "status", "storedWorkflowTemplateSpec", "templates")
	if !ok {
		ref, _, _ := unstructured.NestedString(wf.Object, "spec", "workflowTemplateRef", "name")
		if t, err := c.resource(Templates).Get(ctx, ref, metav1.GetOptions{}); err == nil {
			tmpls, _, _ = unstructured.NestedSlice(t.Object, "spec", "templates")
		}
	}
	names := map[string]string{}
	for _, t := range tmpls {
		m, _ := t.(map[string]any)
		n, _, _ := unstructured.NestedString(m, "name")
		if step, _, _ := unstructured.NestedString(m, "metadata", "annotations", stepNameAnnotation); step != "" {
			names[n] = step
		}
	}
	return names
}

// runOf reads a Workflow; with steps (template to step name) it also
// counts its pods by step.
func runOf(wf *unstructured.Unstructured, steps map[string]string) Run {
	str := func(path ...string) string { s, _, _ := unstructured.NestedString(wf.Object, path...); return s }
	tm := func(path ...string) time.Time { t, _ := time.Parse(time.RFC3339, str(path...)); return t }
	r := Run{
		Name: wf.GetName(), Template: str("spec", "workflowTemplateRef", "name"),
		Phase: str("status", "phase"), Stopping: str("spec", "shutdown"),
		Created: wf.GetCreationTimestamp().Time, Started: tm("status", "startedAt"), Finished: tm("status", "finishedAt"),
		Message: str("status", "message"),
	}
	r.Suspended, _, _ = unstructured.NestedBool(wf.Object, "spec", "suspend")
	if r.Phase == "" {
		r.Phase = "Pending"
	}
	if steps == nil {
		return r
	}
	nodes, _, _ := unstructured.NestedMap(wf.Object, "status", "nodes")
	byStep := map[string]*StepStatus{}
	type first struct {
		step  string
		start string
	}
	var order []first
	for _, id := range sortedKeys(nodes) {
		n, _ := nodes[id].(map[string]any)
		if typ, _, _ := unstructured.NestedString(n, "type"); typ != "Pod" {
			continue
		}
		tmpl, _, _ := unstructured.NestedString(n, "templateName")
		step := steps[tmpl]
		if step == "" {
			step = tmpl // flowc's own: the exit handler, a --caught pod
		}
		s := byStep[step]
		if s == nil {
			s = &StepStatus{Step: step, Phases: map[string]int{}}
			byStep[step] = s
			start, _, _ := unstructured.NestedString(n, "startedAt")
			order = append(order, first{step, start})
		}
		phase, _, _ := unstructured.NestedString(n, "phase")
		s.Phases[phase]++
		if phase == "Failed" || phase == "Error" {
			msg, _, _ := unstructured.NestedString(n, "message")
			name, _, _ := unstructured.NestedString(n, "displayName")
			s.Failed = append(s.Failed, strings.TrimSpace(name+": "+msg))
		}
	}
	slices.SortStableFunc(order, func(a, b first) int { return strings.Compare(a.start, b.start) })
	for _, o := range order {
		r.Steps = append(r.Steps, *byStep[o.step])
	}
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Terminate stops run name as argo terminate does (spec.shutdown:
// Terminate): Argo kills its pods and runs no exit handler, so the run's
// record in the datastore is not marked failed.
func Terminate(ctx context.Context, c *Cluster, name string) error {
	return c.patchRun(ctx, name, `{"spec":{"shutdown":"Terminate"}}`, "terminate")
}

// Stop stops run name as argo stop does (spec.shutdown: Stop): Argo kills
// its pods and then runs the exit handler, which records the run failed and
// sends its notifications.
func Stop(ctx context.Context, c *Cluster, name string) error {
	return c.patchRun(ctx, name, `{"spec":{"shutdown":"Stop"}}`, "stop")
}

// Suspend suspends run name as argo suspend does (spec.suspend: true): no
// new pod starts until it is resumed; running pods go on.
func Suspend(ctx context.Context, c *Cluster, name string) error {
	return c.patchRun(ctx, name, `{"spec":{"suspend":true}}`, "suspend")
}

// patchRun merge-patches the Workflow of an unfinished run.
func (c *Cluster) patchRun(ctx context.Context, name, patch, verb string) error {
	wf, err := c.getRun(ctx, name)
	if err != nil {
		return err
	}
	if r := runOf(wf, nil); r.Over() {
		return fmt.Errorf("cannot %s run %s: it is over (%s)", verb, name, r.Phase)
	}
	if _, err := c.resource(Workflows).Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("%s workflow.argoproj.io/%s in namespace %s: %w", verb, name, c.Namespace, err)
	}
	return nil
}

// Resume resumes run name as argo resume does: spec.suspend is cleared,
// and each suspend node still running is marked succeeded.
func Resume(ctx context.Context, c *Cluster, name string) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		wf, err := c.getRun(ctx, name)
		if err != nil {
			return err
		}
		if r := runOf(wf, nil); r.Over() {
			return fmt.Errorf("cannot resume run %s: it is over (%s)", name, r.Phase)
		}
		unstructured.RemoveNestedField(wf.Object, "spec", "suspend")
		nodes, _, _ := unstructured.NestedMap(wf.Object, "status", "nodes")
		now := time.Now().UTC().Format(time.RFC3339)
		for id, v := range nodes {
			n, _ := v.(map[string]any)
			typ, _, _ := unstructured.NestedString(n, "type")
			phase, _, _ := unstructured.NestedString(n, "phase")
			if typ == "Suspend" && phase == "Running" {
				n["phase"], n["finishedAt"] = "Succeeded", now
				nodes[id] = n
			}
		}
		if nodes != nil {
			if err := unstructured.SetNestedMap(wf.Object, nodes, "status", "nodes"); err != nil {
				return err
			}
		}
		if _, err := c.resource(Workflows).Update(ctx, wf, metav1.UpdateOptions{}); err != nil {
			if apierrors.IsConflict(err) {
				return err
			}
			return fmt.Errorf("resume workflow.argoproj.io/%s in namespace %s: %w", name, c.Namespace, err)
		}
		return nil
	})
}

// Delete deletes the WorkflowTemplate, CronWorkflow and Sensor that flowc
// made under name (the objects' name, or a flow name that one template's
// annotation holds), the Sensor in sensorNamespace when it is not empty. Runs are left: their records stay in the datastore
// and Argo's pod and workflow GC clears them.
func Delete(ctx context.Context, c *Cluster, name, sensorNamespace string) ([]Change, error) {
	name, err := c.objectsName(ctx, name)
	if err != nil {
		return nil, err
	}
	var done []Change
	for _, gvr := range []schema.GroupVersionResource{Sensors, Crons, Templates} {
		in := c
		if gvr == Sensors && sensorNamespace != "" {
			in = &Cluster{Dynamic: c.Dynamic, Core: c.Core, Namespace: sensorNamespace}
		}
		ch, err := deleteOwned(ctx, in, gvr, name)
		if ch != nil {
			done = append(done, *ch)
		}
		if err != nil {
			return done, err
		}
	}
	if len(done) == 0 {
		return nil, fmt.Errorf("flowc deployed nothing named %s in namespace %s", name, c.Namespace)
	}
	return done, nil
}

// objectsName returns the name of the objects of a flow: name itself when
// a template of flowc's has it, else the one template whose flow is name.
func (c *Cluster) objectsName(ctx context.Context, name string) (string, error) {
	t, err := c.resource(Templates).Get(ctx, name, metav1.GetOptions{})
	if err == nil && Managed(t) || err != nil && !apierrors.IsNotFound(err) {
		return name, nil
	}
	list, err := c.resource(Templates).List(ctx, metav1.ListOptions{LabelSelector: ManagedBy + "=flowc"})
	if err != nil {
		return "", fmt.Errorf("list workflowtemplates in namespace %s: %w", c.Namespace, err)
	}
	var found []string
	for _, t := range list.Items {
		if t.GetAnnotations()[FlowNameAnnotation] == name {
			found = append(found, t.GetName())
		}
	}
	switch len(found) {
	case 0:
		return name, nil
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("flow %s is deployed as %s in namespace %s: name one", name, strings.Join(found, " and "), c.Namespace)
}

// ErrNoTemplate is Template's error when the template is not deployed.
var ErrNoTemplate = errors.New("no such template")

// Template returns the deployed template name's flow name and datastore
// root, from its annotations.
func Template(ctx context.Context, c *Cluster, name string) (flow, root string, err error) {
	t, err := c.resource(Templates).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", "", fmt.Errorf("workflowtemplate.argoproj.io/%s is not in namespace %s (deleted?): %w", name, c.Namespace, ErrNoTemplate)
	}
	if err != nil {
		return "", "", fmt.Errorf("get workflowtemplate.argoproj.io/%s in namespace %s: %w", name, c.Namespace, err)
	}
	return t.GetAnnotations()[FlowNameAnnotation], t.GetAnnotations()[DatastoreRootAnnotation], nil
}

// Pod is a pod of a run that runs a step's task.
type Pod struct {
	Name    string
	Step    string // the flow's step name
	Task    string // the task id
	Attempt int    // Argo's retry count, the attempt
	Phase   string // the pod's phase: Pending, Running, Succeeded, Failed
}

// Pods returns the pods of run name that run a task of a step, sorted by
// step, task and attempt. Pods already deleted are not there.
func Pods(ctx context.Context, c *Cluster, run string) ([]Pod, error) {
	list, err := c.Core.Pods(c.Namespace).List(ctx, metav1.ListOptions{LabelSelector: workflowLabel + "=" + run})
	if err != nil {
		return nil, fmt.Errorf("list the pods of run %s in namespace %s: %w", run, c.Namespace, err)
	}
	var out []Pod
	for _, p := range list.Items {
		step := p.Annotations[stepNameAnnotation]
		if step == "" {
			continue
		}
		pod := Pod{Name: p.Name, Step: step, Phase: string(p.Status.Phase)}
		for _, ct := range p.Spec.Containers {
			if ct.Name == "main" {
				pod.Task, pod.Attempt = argValue(ct.Args, "--task-id"), atoi(argValue(ct.Args, "--retry-count"))
			}
		}
		out = append(out, pod)
	}
	slices.SortFunc(out, func(a, b Pod) int {
		return cmpAll(strings.Compare(a.Step, b.Step), strings.Compare(a.Task, b.Task), a.Attempt-b.Attempt)
	})
	return out, nil
}

func cmpAll(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

// argValue is the argument after flag in args.
func argValue(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// Logs copies the log of pod's task container to w: what the task wrote,
// without the lines of Argo's emissary, which runs the task in the same
// container and marks its own lines argo=true.
func Logs(ctx context.Context, c *Cluster, pod string, w io.Writer) error {
	rc, err := c.Core.Pods(c.Namespace).GetLogs(pod, &corev1.PodLogOptions{Container: "main"}).Stream(ctx)
	if err != nil {
		return fmt.Errorf("logs of pod %s in namespace %s: %w", pod, c.Namespace, err)
	}
	defer rc.Close()
	r := bufio.NewReader(rc)
	for {
		line, err := r.ReadString('\n')
		if !argoLine(line) {
			if _, err := io.WriteString(w, line); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("logs of pod %s in namespace %s: %w", pod, c.Namespace, err)
		}
	}
}

// argoLine reports whether a line is one of Argo's executor's: its
// logger's text format (time=... level=... msg=... argo=true ...) or
// JSON format ({..."argo":true...}).
func argoLine(line string) bool {
	return strings.HasPrefix(line, "time=") && strings.Contains(line, " argo=true") ||
		strings.HasPrefix(line, "{") && strings.Contains(line, `"argo":true`)
}
