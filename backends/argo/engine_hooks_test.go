package argo_test

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/argo"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestEngineArgoExitHooks runs a flow with exit hooks as Argo would (see
// argoSim), once succeeding and once failing: the exit handler's end-run
// runs the hooks for the run's status with the real runner, each once,
// with its output in _exit_hook/NAME; a hook that panics leaves the exit
// handler succeeded; a failed run's hook learns the failed task and why.
func TestEngineArgoExitHooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner")
	}
	dir := filepath.Join("..", "..", "runtime", "exec", "testdata", "hooked")
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
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	hook := func(run, name string) (datastore.Attempt, string) {
		t.Helper()
		p := datastore.TaskPath{Flow: f.Name, Run: run, Step: datastore.ExitHookStep, Task: name}
		a, err := st.ReadAttempt(ctx, p, 0)
		if err != nil {
			t.Fatalf("hook %s of %s: %v", name, run, err)
		}
		var logs string
		for _, s := range []datastore.Stream{datastore.Stdout, datastore.Stderr} {
			rc, err := st.OpenLog(ctx, p, 0, s)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			logs += string(b)
		}
		return a, logs
	}
	for _, fail := range []string{"false", "true"} {
		sim := &argoSim{t: t, tmpls: map[string]argo.Template{}, runner: r.Path, name: "hooked-" + fail, params: map[string]string{}}
		for _, tm := range wt.Spec.Templates {
			sim.tmpls[tm.Name] = tm
		}
		for _, p := range wt.Spec.Arguments.Parameters {
			sim.params[p.Name] = *p.Value
		}
		sim.params["fail"] = fail
		wf := sim.run(wt.Spec.Entrypoint, nil)
		sim.status = wf.phase
		if exit := sim.run(wt.Spec.OnExit, nil); exit.phase != "Succeeded" {
			t.Errorf("fail=%s: the exit handler %s", fail, exit.phase)
		}
		// The exit handler is retried: a second run of it runs no hook again.
		if exit := sim.run(wt.Spec.OnExit, nil); exit.phase != "Succeeded" {
			t.Errorf("fail=%s: the exit handler, again, %s", fail, exit.phase)
		}
		tasks, _ := st.ListTasks(ctx, f.Name, sim.name, datastore.ExitHookStep)
		if fail == "false" {
			if a, logs := hook(sim.name, "Notify"); a.Status != datastore.AttemptOK || logs != "notify Hooked/hooked-false succeeded\n" {
				t.Errorf("Notify: %s, %q", a.Status, logs)
			}
			if a, logs := hook(sim.name, "Boom"); a.Status != datastore.AttemptFailed || !strings.Contains(logs, "panic: boom") {
				t.Errorf("Boom: %s, %q; want failed with the panic", a.Status, logs)
			}
			if len(tasks) != 2 {
				t.Errorf("hooks run %v, want Boom and Notify", tasks)
			}
			continue
		}
		if wf.phase != "Failed" {
			t.Errorf("fail=true: workflow %s", wf.phase)
		}
		a, logs := hook(sim.name, "Page")
		if a.Status != datastore.AttemptOK || !strings.HasPrefix(logs, "page failed Hooked/hooked-true/Start/0 ") || !strings.Contains(logs, "asked to fail") {
			t.Errorf("Page: %s, %q", a.Status, logs)
		}
		if len(tasks) != 1 {
			t.Errorf("hooks run %v, want Page", tasks)
		}
	}
}
