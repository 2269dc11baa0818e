package argo_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/argo"
	"github.com/flowc-dev/flowc/internal/runsnap"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// The test below runs compiled WorkflowTemplates with the flow's real task
// runner, the way Argo's controller would: it reads the emitted YAML (not
// flowc's structs), resolves {{...}} variables, evaluates depends (a task
// whose expression is false is Omitted), when (false: Skipped), expands
// withSequence (a count of 0: Skipped), retries per retryStrategy, reads
// output parameters from the --outputs files (trimming one newline, as
// Argo's executor does), recurses into DAG templates, evaluates the loop's
// output expression, and runs onExit. It is not Argo: what it checks is
// that the wiring flowc emits (task ids, which tasks run, what they read)
// makes the runner produce the same tasks and artifacts as flowc run.

// argoSim runs one workflow.
type argoSim struct {
	t       *testing.T
	tmpls   map[string]argo.Template
	runner  string
	name    string            // the workflow's name: the run id
	params  map[string]string // workflow.parameters
	status  string            // workflow.status, for the exit handler
	started []string          // "step/task-id" of every container run
}

// node is a finished task: its phase and outputs.
type node struct {
	phase   string // Succeeded, Failed, Skipped, Omitted
	outputs map[string]string
}

var varRE = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

// subst resolves {{...}} in s from scope; an expression {{=...}} is one of
// the forms flowc emits (see expr).
func (a *argoSim) subst(s string, scope map[string]string) string {
	return varRE.ReplaceAllStringFunc(s, func(m string) string {
		key := strings.TrimSpace(m[2 : len(m)-2])
		if e, ok := strings.CutPrefix(key, "="); ok {
			return a.expr(e, scope)
		}
		v, ok := scope[key]
		if !ok {
			a.t.Fatalf("unresolved {{%s}} in %q", key, s)
		}
		return v
	})
}

var (
	asIntRE   = regexp.MustCompile(`^asInt\((inputs\.parameters\.\w+)\) \+ 1$`)
	paramB64  = regexp.MustCompile(`^'([\w-]+)=' \+ toBase64\(workflow\.parameters\['([\w-]+)'\]\)$`)
	unsetRE   = regexp.MustCompile(`^workflow\.parameters\['([\w-]+)'\] == '' \? '--capture-logs' : (.*)$`)
	literalRE = regexp.MustCompile(`^'([^']*)'$`)
)

// expr evaluates the expressions flowc emits: the loop's next iteration,
// a parameter's encoded value, and the choice for an unset parameter.
func (a *argoSim) expr(e string, scope map[string]string) string {
	if m := asIntRE.FindStringSubmatch(e); m != nil {
		n, err := strconv.Atoi(scope[m[1]])
		if err != nil {
			a.t.Fatalf("asInt(%q): %v", scope[m[1]], err)
		}
		return strconv.Itoa(n + 1)
	}
	if m := paramB64.FindStringSubmatch(e); m != nil {
		return m[1] + "=" + base64.StdEncoding.EncodeToString([]byte(scope["workflow.parameters."+m[2]]))
	}
	if m := unsetRE.FindStringSubmatch(e); m != nil {
		if scope["workflow.parameters."+m[1]] == "" {
			return "--capture-logs"
		}
		return a.expr(m[2], scope)
	}
	if m := literalRE.FindStringSubmatch(e); m != nil {
		return m[1]
	}
	a.t.Fatalf("expression %q: not one the simulator knows", e)
	return ""
}

// run runs a template with its inputs and returns its node.
func (a *argoSim) run(name string, inputs map[string]string) node {
	tm, ok := a.tmpls[name]
	if !ok {
		a.t.Fatalf("no template %q", name)
	}
	scope := map[string]string{"workflow.name": a.name}
	if a.status != "" {
		scope["workflow.status"] = a.status
	}
	for k, v := range a.params {
		scope["workflow.parameters."+k] = v
	}
	if tm.Inputs != nil {
		for _, p := range tm.Inputs.Parameters {
			v, ok := inputs[p.Name]
			if !ok {
				a.t.Fatalf("template %s: no input %s", name, p.Name)
			}
			scope["inputs.parameters."+p.Name] = v
		}
	}
	if tm.DAG != nil {
		return a.dag(tm, scope)
	}
	return a.container(tm, scope)
}

// container runs the runner as the container would, retrying.
func (a *argoSim) container(tm argo.Template, scope map[string]string) node {
	limit := 0
	// A runner that exits non-zero is a Failed node, which OnError does
	// not retry (only Argo's own errors, which this simulation has none of).
	if tm.RetryStrategy != nil && tm.RetryStrategy.RetryPolicy != "OnError" {
		limit = tm.RetryStrategy.Limit
	}
	for try := 0; try <= limit; try++ {
		out := a.t.TempDir()
		sc := map[string]string{"retries": strconv.Itoa(try)}
		for k, v := range scope {
			sc[k] = v
		}
		var args []string
		for _, arg := range tm.Container.Args {
			if arg == "/tmp/flowc-out" {
				arg = out // the emptyDir
			}
			args = append(args, a.subst(arg, sc))
		}
		if tm.Container.Command[0] != ir.RunnerPath {
			a.t.Fatalf("command %v", tm.Container.Command)
		}
		if len(args) > 1 && args[0] == "step" {
			a.started = append(a.started, args[1]+"/"+args[slices.Index(args, "--task-id")+1])
		}
		cmd := osexec.Command(a.runner, args...)
		cmd.Env = os.Environ()
		for _, e := range tm.Container.Env {
			cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
		}
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		if err := cmd.Run(); err != nil {
			a.t.Logf("%s %v: %v\n%s", tm.Name, args, err, buf.String())
			continue
		}
		n := node{phase: "Succeeded", outputs: map[string]string{}}
		if tm.Outputs != nil {
			for _, p := range tm.Outputs.Parameters {
				data, err := os.ReadFile(strings.Replace(p.ValueFrom.Path, "/tmp/flowc-out", out, 1))
				if err != nil {
					a.t.Fatalf("%s: output %s: %v", tm.Name, p.Name, err)
				}
				n.outputs[p.Name] = strings.TrimSuffix(string(data), "\n")
			}
		}
		return n
	}
	return node{phase: "Failed"}
}

var dependsRE = regexp.MustCompile(`([a-z0-9-]+)\.(Succeeded|Failed|Errored|Skipped)`)

// dag runs a DAG template's tasks in dependency order, sequentially.
func (a *argoSim) dag(tm argo.Template, scope map[string]string) node {
	nodes := map[string]node{}
	for len(nodes) < len(tm.DAG.Tasks) {
		progress := false
		for _, tk := range tm.DAG.Tasks {
			if _, done := nodes[tk.Name]; done {
				continue
			}
			ready := true
			for _, m := range dependsRE.FindAllStringSubmatch(tk.Depends, -1) {
				if _, done := nodes[m[1]]; !done {
					ready = false
				}
			}
			if !ready {
				continue
			}
			progress = true
			nodes[tk.Name] = a.task(tk, scope, nodes)
		}
		if !progress {
			a.t.Fatalf("template %s: tasks wait on each other", tm.Name)
		}
	}
	n := node{phase: "Succeeded", outputs: map[string]string{}}
	handled := map[string]bool{}
	for _, tk := range tm.DAG.Tasks {
		for _, m := range dependsRE.FindAllStringSubmatch(tk.Depends, -1) {
			if m[2] == "Failed" && nodes[tk.Name].phase != "Omitted" {
				handled[m[1]] = true
			}
		}
	}
	for name, nd := range nodes {
		if nd.phase == "Failed" && !handled[name] {
			n.phase = "Failed"
		}
	}
	if tm.Outputs != nil {
		for _, p := range tm.Outputs.Parameters {
			n.outputs[p.Name] = a.loopNext(p.ValueFrom.Expression, nodes)
		}
	}
	return n
}

// loopNext evaluates the one output expression flowc emits:
// tasks.X.outputs.parameters.P == 'S' ? tasks.Y.outputs.parameters.P : tasks.X.outputs.parameters.P
func (a *argoSim) loopNext(expr string, nodes map[string]node) string {
	m := regexp.MustCompile(`^tasks\.(\w+)\.outputs\.parameters\.(\w+) == '(\w+)' \? tasks\.(\w+)\.outputs\.parameters\.(\w+) : tasks\.(\w+)\.outputs\.parameters\.(\w+)$`).FindStringSubmatch(expr)
	if m == nil {
		a.t.Fatalf("output expression %q: not one the simulator knows", expr)
	}
	if nodes[m[1]].outputs[m[2]] == m[3] {
		return nodes[m[4]].outputs[m[5]]
	}
	return nodes[m[6]].outputs[m[7]]
}

// task runs one DAG task given the nodes finished so far.
func (a *argoSim) task(tk argo.DAGTask, scope map[string]string, nodes map[string]node) node {
	if tk.Depends != "" {
		expr := dependsRE.ReplaceAllStringFunc(tk.Depends, func(m string) string {
			name, result, _ := strings.Cut(m, ".")
			return strconv.FormatBool(nodes[name].phase == result)
		})
		if !evalBool(a.t, expr) {
			return node{phase: "Omitted"}
		}
	}
	sc := map[string]string{}
	for k, v := range scope {
		sc[k] = v
	}
	for name, nd := range nodes {
		sc["tasks."+name+".status"] = nd.phase
		for k, v := range nd.outputs {
			sc["tasks."+name+".outputs.parameters."+k] = v
		}
	}
	if tk.When != "" {
		w := a.subst(tk.When, sc)
		m := regexp.MustCompile(`^'([^']*)' == '([^']*)'$`).FindStringSubmatch(w)
		if m == nil {
			a.t.Fatalf("when %q: not one the simulator knows", w)
		}
		if m[1] != m[2] {
			return node{phase: "Skipped"}
		}
	}
	items := []string{""}
	if tk.WithSequence != nil {
		count, err := strconv.Atoi(a.subst(tk.WithSequence.Count, sc))
		if err != nil {
			a.t.Fatalf("withSequence count: %v", err)
		}
		if count == 0 {
			return node{phase: "Skipped"}
		}
		items = nil
		for i := range count {
			items = append(items, strconv.Itoa(i))
		}
	}
	result := node{phase: "Succeeded", outputs: map[string]string{}}
	for _, item := range items {
		sc["item"] = item
		in := map[string]string{}
		if tk.Arguments != nil {
			for _, p := range tk.Arguments.Parameters {
				in[p.Name] = a.subst(*p.Value, sc)
			}
		}
		n := a.run(tk.Template, in)
		if n.phase != "Succeeded" {
			result.phase = n.phase
		}
		if tk.WithSequence == nil {
			result.outputs = n.outputs
		}
	}
	return result
}

// evalBool evaluates true/false joined by && and || with parentheses.
func evalBool(t *testing.T, s string) bool {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "(", " ( "), ")", " ) ")
	toks := strings.Fields(s)
	var expr, term, factor func() bool
	i := 0
	factor = func() bool {
		tok := toks[i]
		i++
		if tok == "(" {
			v := expr()
			i++ // ")"
			return v
		}
		return tok == "true"
	}
	term = func() bool {
		v := factor()
		for i < len(toks) && toks[i] == "&&" {
			i++
			w := factor()
			v = v && w
		}
		return v
	}
	expr = func() bool {
		v := term()
		for i < len(toks) && toks[i] == "||" {
			i++
			w := term()
			v = v || w
		}
		return v
	}
	v := expr()
	if i != len(toks) {
		t.Fatalf("depends %q: trailing tokens", s)
	}
	return v
}

// TestEngineArgo runs examples' compiled templates as Argo would, with the
// real task runner, and wants what flowc run makes: the same tasks with
// the same artifacts, and the run marked succeeded.
func TestEngineArgo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the examples' runners")
	}
	for _, name := range []string{"hello", "branch", "conditional", "config", "loop", "foreach", "nestedforeach", "retrycatch", "training"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "examples", name)
			f := load(t, dir)
			ctx := context.Background()
			r, err := build.Build(ctx, dir, f, build.Options{})
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			// The exit handler posts the run's end event to a webhook.
			var mu sync.Mutex
			var events []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				events = append(events, r.Method+" "+r.URL.Path+" "+string(body))
				mu.Unlock()
			}))
			defer srv.Close()
			data := compile(t, f, argo.Options{Common: backends.Common{Image: "img", DatastoreRoot: root}, EventURL: srv.URL + "/flowc"})
			var wt argo.WorkflowTemplate
			if err := yaml.UnmarshalStrict([]byte(strings.Split(string(data), "\n---\n")[0]), &wt); err != nil {
				t.Fatal(err)
			}
			sim := &argoSim{t: t, tmpls: map[string]argo.Template{}, runner: r.Path, name: name + "-x7k2p", params: map[string]string{}}
			for _, tm := range wt.Spec.Templates {
				sim.tmpls[tm.Name] = tm
			}
			if wt.Spec.Arguments != nil {
				for _, p := range wt.Spec.Arguments.Parameters {
					sim.params[p.Name] = *p.Value
				}
			}
			local := exec.Options{Plan: f, PkgDir: dir, Root: t.TempDir(), RunID: sim.name, Out: &bytes.Buffer{}}
			if name == "hello" {
				// A value no shell would pass unchanged.
				sim.params["name"] = `O'Brien "$(rm -rf /)" ${HOME}`
				local.Params = map[string]json.RawMessage{"Name": json.RawMessage(`"O'Brien \"$(rm -rf /)\" ${HOME}"`)}
			}
			res, err := exec.Run(ctx, local)
			if err != nil || res.Status != datastore.RunSucceeded {
				t.Fatalf("local run: %v %v\n%s", err, res, local.Out)
			}
			wf := sim.run(wt.Spec.Entrypoint, nil)
			sim.status = wf.phase
			if exit := sim.run(wt.Spec.OnExit, nil); exit.phase != "Succeeded" {
				t.Errorf("the exit handler %s", exit.phase)
			}
			if wf.phase != "Succeeded" {
				t.Fatalf("workflow %s; tasks run: %v", wf.phase, sim.started)
			}
			wantEvent := fmt.Sprintf(`POST /flowc {"name":"flowc.%s.end","payload":{"flow":"%s","pathspec":"%s/%s","run_id":"%s"}}`, f.Name, f.Name, f.Name, sim.name, sim.name)
			if mu.Lock(); len(events) != 1 || events[0] != wantEvent {
				t.Errorf("end events %q, want %q", events, wantEvent)
			}
			mu.Unlock()
			skip := map[string][]string{"branch": {"Elapsed", "Timings"}}[name]
			want := snapshot(t, local.Root, f.Name, sim.name, skip)
			got := snapshot(t, root, f.Name, sim.name, skip)
			if !slices.Equal(got, want) {
				t.Errorf("argo run differs from flowc run:\n got %v\nwant %v\ntasks started: %v", got, want, sim.started)
			}
			st, err := datastore.OpenLocal(root)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := st.ReadRun(ctx, f.Name, sim.name)
			if err != nil || rec.Status != datastore.RunSucceeded || !slices.Contains(rec.SystemTags, "runtime:argo") {
				t.Errorf("run document %+v, %v", rec, err)
			}
		})
	}
}

// snapshot lists every finished task of a run with the content hash of
// each artifact (those in skip by name only).
func snapshot(t *testing.T, root, flow, runID string, skip []string) []string {
	t.Helper()
	out, err := runsnap.Of(root, flow, runID, skip)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLoopLimit: a self-loop that would pass Argo's recursion limit fails
// at the last visit Argo can run, and the run's record says why. The
// loop example's limit (96 visits) is lowered to 2 here.
func TestLoopLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner")
	}
	dir := filepath.Join("..", "..", "examples", "loop")
	f := load(t, dir)
	ctx := context.Background()
	r, err := build.Build(ctx, dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	data := compile(t, f, argo.Options{Common: backends.Common{Image: "img", DatastoreRoot: root}})
	var wt argo.WorkflowTemplate
	if err := yaml.UnmarshalStrict([]byte(strings.Split(string(data), "\n---\n")[0]), &wt); err != nil {
		t.Fatal(err)
	}
	sim := &argoSim{t: t, tmpls: map[string]argo.Template{}, runner: r.Path, name: "loop-limit", params: map[string]string{}}
	for _, tm := range wt.Spec.Templates {
		if tm.Name == "refine" {
			i := slices.Index(tm.Container.Args, "--max-visits")
			if i < 0 || tm.Container.Args[i+1] != "96" {
				t.Fatalf("refine args %q: want --max-visits 96", tm.Container.Args)
			}
			tm.Container.Args[i+1] = "2"
		}
		sim.tmpls[tm.Name] = tm
	}
	for _, p := range wt.Spec.Arguments.Parameters {
		sim.params[p.Name] = *p.Value
	}
	if wf := sim.run(wt.Spec.Entrypoint, nil); wf.phase == "Succeeded" {
		t.Fatalf("the loop ran past its limit: %v", sim.started)
	}
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	att, err := st.ReadAttempt(ctx, datastore.TaskPath{Flow: f.Name, Run: sim.name, Step: "Refine", Task: "0.1"}, 0)
	if err != nil || !strings.Contains(att.Error, "chose itself again after 2 visits") {
		t.Errorf("visit 0.1: %+v, %v", att, err)
	}
}
