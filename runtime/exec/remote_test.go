package exec_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/internal/runsnap"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
	"github.com/flowc-dev/flowc/runtime/sched"
)

// engine runs a flow the way Argo and Step Functions do: it starts each
// task with its step and deterministic id alone (no --input-paths, no
// split index, --retry-count auto) and learns where to go next only from
// the files the runner writes with --outputs. The tasks must find their
// inputs themselves.
type engine struct {
	t      *testing.T
	runner string
	root   string
	run    string
	plan   *ir.Flow
	params []string
	calls  int
	env    []string // more environment for every task
}

// newEngine builds the runner of the flow in dir and returns an engine for
// its run runID.
func newEngine(t *testing.T, dir, runID string) *engine {
	t.Helper()
	f := mustPlan(t, dir)
	r, err := build.Build(context.Background(), dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &engine{t: t, runner: r.Path, root: t.TempDir(), run: runID, plan: f}
}

// task runs one task, retrying as the step's retry directive allows, and
// returns what it chose.
func (e *engine) task(step, id string) sched.Result {
	e.t.Helper()
	r, ok := e.try(step, id)
	if !ok {
		e.t.Fatalf("task %s/%s failed", step, id)
	}
	return r
}

// try is task, reporting a failure instead of failing the test.
func (e *engine) try(step, id string) (sched.Result, bool) {
	e.t.Helper()
	st := e.plan.Step(step)
	tries := 1
	if st.Decorators.Retry != nil {
		tries += st.Decorators.Retry.Times
	}
	out := e.t.TempDir()
	for try := 0; try < tries; try++ {
		args := []string{"step", step, "--run-id", e.run, "--task-id", id, "--datastore-root", e.root,
			"--retry-count", "auto", "--outputs", out, "--capture-logs"}
		if step == e.plan.Graph.Start {
			for _, p := range e.params {
				args = append(args, "--param", p)
			}
		}
		cmd := osexec.Command(e.runner, args...)
		cmd.Env = append(append(os.Environ(), "FLOWC_ENGINE=test"), e.env...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		e.calls++
		if err := cmd.Run(); err != nil {
			e.t.Logf("%s/%s attempt %d: %v\n%s", step, id, try, err, buf.String())
			continue
		}
		next, err := os.ReadFile(filepath.Join(out, "next"))
		if err != nil {
			e.t.Fatal(err)
		}
		splits, err := os.ReadFile(filepath.Join(out, "splits"))
		if err != nil {
			e.t.Fatal(err)
		}
		var r sched.Result
		if len(next) > 0 {
			r.Next = strings.Split(string(next), ",")
		}
		if r.Splits, err = strconv.Atoi(string(splits)); err != nil {
			e.t.Fatal(err)
		}
		return r, true
	}
	return sched.Result{}, false
}

// runner runs a runner command that is not a task.
func (e *engine) command(args ...string) {
	e.t.Helper()
	out, err := osexec.Command(e.runner, append(args, "--run-id", e.run, "--datastore-root", e.root)...).CombinedOutput()
	if err != nil {
		e.t.Fatalf("runner %v: %v\n%s", args, err, out)
	}
}

// TestEngineIdentity: a task an engine starts knows the run's user and
// project from the environment the deployed workflow sets; the start task
// records the event that started the run, which every task then sees as
// c.Trigger() and the client as Run.Trigger(); the run carries the
// project's tags.
func TestEngineIdentity(t *testing.T) {
	ctx := context.Background()
	dir := "testdata/facts"
	f := mustPlan(t, dir)
	r, err := build.Build(ctx, dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	event := `{"name":"flowc.fraud.prod.Training.end","payload":{"pathspec":"Training/argo-up"}}`
	e := &engine{t: t, runner: r.Path, root: t.TempDir(), run: "argo-facts", plan: f, env: []string{
		"FLOWC_USER=ana", "FLOWC_PROJECT=fraud", "FLOWC_BRANCH=prod", "FLOWC_PRODUCTION=true",
		"FLOWC_TRIGGER_B64=" + base64.StdEncoding.EncodeToString([]byte(event))}}
	e.task("Start", "0")
	e.env = e.env[:4] // only the start task is given the event
	e.task("End", "0")
	c, err := client.Open(e.root)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Namespace("user:ana").Project("fraud", "prod").Flow(f.Name).LatestRun()
	if err != nil {
		t.Fatal(err)
	}
	want := "user=ana ns=user:ana project=fraud branch=prod production=true origin= trigger=run flowc.fraud.prod.Training.end Training/argo-up {\"pathspec\":\"Training/argo-up\"}"
	end, err := run.Step("End").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"AtStart", "AtEnd"} {
		var got string
		if err := end.Artifact(name, &got); err != nil || got != want {
			t.Errorf("%s: %q, %v\nwant %q", name, got, err, want)
		}
	}
	if tr := run.Trigger(); tr == nil || tr.Pathspec != "Training/argo-up" || !run.IsProduction() {
		t.Errorf("the run's trigger %+v, production %v", tr, run.IsProduction())
	}
}

// TestEngineFailure: a task that fails for good leaves a failed attempt
// with its captured log, the engine's exit handler marks the run failed,
// and a task started before its input finished fails saying so.
func TestEngineFailure(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, "testdata/panicky", "argo-failed")
	if _, ok := e.try("End", "0"); ok {
		t.Fatal("End ran before the run started")
	}
	e.task("Start", "0")
	if _, ok := e.try("End", "0"); ok {
		t.Fatal("End ran with no finished input")
	}
	if _, ok := e.try("Explode", "0"); ok {
		t.Fatal("Explode did not fail")
	}
	e.command("end-run", "--status", "Failed")
	st, err := datastore.OpenLocal(e.root)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := st.ReadRun(ctx, e.plan.Name, e.run)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != datastore.RunFailed || rec.End.IsZero() {
		t.Errorf("run after end-run Failed: %s, end %v", rec.Status, rec.End)
	}
	p := datastore.TaskPath{Flow: e.plan.Name, Run: e.run, Step: "Explode", Task: "0"}
	a, err := st.ReadAttempt(ctx, p, 0)
	if err != nil || a.Status != datastore.AttemptFailed || !strings.Contains(a.Error, "kaboom 7") {
		t.Errorf("Explode's attempt: %+v %v", a, err)
	}
	lr, err := st.OpenLog(ctx, p, 0, datastore.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer lr.Close()
	log, _ := io.ReadAll(lr)
	if !strings.Contains(string(log), "kaboom 7") || !strings.Contains(string(log), "goroutine") {
		t.Errorf("Explode's captured stderr lacks the panic and its stack:\n%s", log)
	}
	ea, err := st.ReadAttempt(ctx, datastore.TaskPath{Flow: e.plan.Name, Run: e.run, Step: "End", Task: "0"}, 1)
	if err != nil || !strings.Contains(ea.Error, "find inputs") {
		t.Errorf("End's second attempt should say it found no input: %+v %v", ea, err)
	}
}

// runAll walks the graph as a DAG engine does: the scheduler says which
// tasks exist (an engine's static DAG says the same), the tasks say where
// they went.
func (e *engine) runAll() {
	s := sched.New(e.plan)
	queue := []*sched.Task{s.Start()}
	for len(queue) > 0 {
		tk := queue[0]
		queue = queue[1:]
		r := e.task(tk.Step, tk.ID)
		next, err := s.Done(tk, r)
		if err != nil {
			e.t.Fatal(err)
		}
		queue = append(queue, next...)
	}
}

// TestEngineRunsMatchLocal runs every example both with flowc's executor and
// as an engine without a scheduler would, and wants the same tasks with the
// same artifacts (by content hash), the same parameters, logs captured by
// the tasks themselves, and the run marked succeeded by its End task.
func TestEngineRunsMatchLocal(t *testing.T) {
	ents, err := os.ReadDir("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range ents {
		name := ent.Name()
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("../../examples", name)
			f := mustPlan(t, dir)
			ctx := context.Background()
			r, err := build.Build(ctx, dir, f, build.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var params []string
			var local exec.Options
			// The same run id on both engines: a step may seed its random
			// numbers with it (production does).
			runID := "engine-" + name
			local.RunID = runID
			switch name {
			case "production":
				params = []string{"owner=ops@example.com", "countries=NL,FR", `weights={"amount": 1, "foreign": 0, "night": 0}`}
				local.Params = map[string]json.RawMessage{"Owner": json.RawMessage(`"ops@example.com"`),
					"Countries": json.RawMessage(`["NL","FR"]`), "Weights": json.RawMessage(`{"amount":1,"foreign":0,"night":0}`)}
			case "hello":
				// A value no shell would pass unchanged.
				params = []string{`name=O'Brien "$(rm -rf /)" ${HOME}`}
				local.Params = map[string]json.RawMessage{"Name": json.RawMessage(`"O'Brien \"$(rm -rf /)\" ${HOME}"`)}
			}
			localRoot := t.TempDir()
			local.Plan, local.PkgDir, local.Root, local.Out = f, dir, localRoot, &bytes.Buffer{}
			res, err := exec.Run(ctx, local)
			if err != nil || res.Status != datastore.RunSucceeded {
				t.Fatalf("local run: %v %v\n%s", err, res, local.Out)
			}
			e := &engine{t: t, runner: r.Path, root: t.TempDir(), run: runID, plan: f, params: params}
			e.runAll()

			want := snapshot(t, localRoot, f.Name, res.RunID, timed[name])
			got := snapshot(t, e.root, f.Name, e.run, timed[name])
			if !slices.Equal(got, want) {
				t.Errorf("engine run differs from the local run:\n got %v\nwant %v", got, want)
			}
			st, err := datastore.OpenLocal(e.root)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := st.ReadRun(ctx, f.Name, e.run)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != datastore.RunSucceeded || !slices.Contains(rec.SystemTags, "runtime:test") {
				t.Errorf("run document: %+v", rec)
			}
			if latest, _ := st.LatestRun(ctx, f.Name); latest != e.run {
				t.Errorf("latest run %q, want %q", latest, e.run)
			}
			// The tasks kept their own logs.
			lr, err := st.OpenLog(ctx, datastore.TaskPath{Flow: f.Name, Run: e.run, Step: "End", Task: "0"}, lastAttempt(t, st, f.Name, e.run, "End", "0"), datastore.Stderr)
			if err != nil {
				t.Fatalf("End's log: %v", err)
			}
			lr.Close()
		})
	}
}

func lastAttempt(t *testing.T, st *datastore.Store, flow, run, step, task string) int {
	d, err := st.ReadDone(context.Background(), datastore.TaskPath{Flow: flow, Run: run, Step: step, Task: task})
	if err != nil {
		t.Fatal(err)
	}
	return d.Attempt
}

// snapshot lists every finished task of a run with its status and the
// content hash of each artifact, and the run's parameters.
// timed lists, by example, the artifacts that hold wall-clock times, which
// no two runs share.
var timed = map[string][]string{"branch": {"Elapsed", "Timings"}}

func snapshot(t *testing.T, root, flow, runID string, skip []string) []string {
	t.Helper()
	out, err := runsnap.Of(root, flow, runID, skip)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEngineRunAgain: an engine that starts a task again after it finished
// (Argo runs a pod again after an error of its own that came after the
// step succeeded) gets the same outputs, and the step is not run again: no
// second attempt, the done marker and the artifacts as they were.
func TestEngineRunAgain(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, "testdata/wide", "argo-again")
	first := e.task("Start", "0")
	st, err := datastore.OpenLocal(e.root)
	if err != nil {
		t.Fatal(err)
	}
	p := datastore.TaskPath{Flow: e.plan.Name, Run: e.run, Step: "Start", Task: "0"}
	before := readAttempt(t, st, p)
	again := e.task("Start", "0") // --retry-count auto: it would be attempt 1
	if !slices.Equal(again.Next, first.Next) || again.Splits != first.Splits || again.Splits != 5 {
		t.Errorf("outputs the second time %+v, want %+v", again, first)
	}
	if _, err := st.ReadAttempt(ctx, p, 1); err == nil {
		t.Errorf("the finished task ran again: attempt 1 recorded")
	}
	after := readAttempt(t, st, p)
	if after.Attempt != 0 || !after.End.Equal(before.End) {
		t.Errorf("done attempt %d ended %v, want attempt 0 ended %v", after.Attempt, after.End, before.End)
	}
}
