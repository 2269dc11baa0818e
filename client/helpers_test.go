package client_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
	"github.com/flowc-dev/flowc/runtime/task"
)

// exampleRoot is the datastore the tests and examples run the examples
// into, once each; they only read it.
var exampleRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "flowc-client-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	exampleRoot = filepath.Join(dir, ".flowc")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type exampleRun struct {
	once  sync.Once
	runID string
	err   error
}

var exampleRuns sync.Map // example name -> *exampleRun

// runExample runs examples/name into exampleRoot, the first time it is
// asked for, and returns the run id. The retrycatch run is tagged exp-1.
func runExample(name string) (string, error) {
	v, _ := exampleRuns.LoadOrStore(name, &exampleRun{})
	r := v.(*exampleRun)
	r.once.Do(func() {
		dir := filepath.Join("..", "examples", name)
		pkg, diags := check.Load(dir, parser.Options{})
		if len(diags) > 0 {
			r.err = fmt.Errorf("load %s: %v", name, diags)
			return
		}
		f, err := check.Select(pkg, "")
		if err != nil {
			r.err = err
			return
		}
		var out bytes.Buffer
		opts := exec.Options{Plan: f, PkgDir: dir, Root: exampleRoot, Out: &out}
		if name == "retrycatch" {
			opts.Tags = []string{"exp-1"}
		}
		res, err := exec.Run(context.Background(), opts)
		switch {
		case err != nil:
			r.err = fmt.Errorf("run %s: %v\n%s", name, err, out.String())
		case res.Status != datastore.RunSucceeded:
			r.err = fmt.Errorf("run %s: %s: %v\n%s", name, res.Status, res.Err, out.String())
		default:
			r.runID = res.RunID
		}
	})
	return r.runID, r.err
}

// mustRunExample is runExample for examples: it panics on failure.
func mustRunExample(name string) string {
	id, err := runExample(name)
	if err != nil {
		panic(err)
	}
	return id
}

func testRun(t *testing.T, name string) string {
	t.Helper()
	id, err := runExample(name)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// demoStart is when the hand-written Demo runs start.
var demoStart = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// writeDemo writes, document by document, a datastore with three runs of a
// flow Demo (Start -> Mid -> End, parameter --alpha):
//
//   - 100 by ana, tagged exp: succeeded in 90s; Start/0 says "hello" and
//     sets X = 1;
//   - 200 by bob: failed, End/0 failed with "boom" and has no DONE marker;
//   - 300 by ana, resuming 100, still running: Start/0 cloned from
//     Demo/100/Start/0, Mid/0 failed once and runs its attempt 1.
func writeDemo(root string) error {
	ctx := context.Background()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		return err
	}
	w := &demoWriter{ctx: ctx, st: st}
	plan := &ir.Flow{
		Name: "Demo", Package: "example.com/demo",
		Params: []ir.Param{{Name: "alpha", Field: "Alpha", Type: ir.Int, GoType: "int"}},
		Steps: []*ir.Step{
			{Name: "Start", Kind: ir.KindStart, Next: []string{"Mid"}},
			{Name: "Mid", Kind: ir.KindLinear, Next: []string{"End"}},
			{Name: "End", Kind: ir.KindEnd},
		},
		Graph: ir.Graph{Start: "Start", End: "End", Order: []string{"Start", "Mid", "End"}},
	}
	runs := []datastore.Run{
		{Flow: "Demo", RunID: "100", User: "ana", Tags: []string{"exp"}, SystemTags: []string{"user:ana", "runtime:local"},
			Start: demoStart, End: demoStart.Add(90 * time.Second), Status: datastore.RunSucceeded},
		{Flow: "Demo", RunID: "200", User: "bob", SystemTags: []string{"user:bob", "runtime:local"},
			Start: demoStart.Add(time.Hour), End: demoStart.Add(time.Hour + 5*time.Second), Status: datastore.RunFailed},
		{Flow: "Demo", RunID: "300", User: "ana", SystemTags: []string{"user:ana", "runtime:local"},
			Start: demoStart.Add(2 * time.Hour), Status: datastore.RunRunning, OriginRunID: "100"},
	}
	for _, r := range runs {
		w.check(st.WriteRun(ctx, r))
		w.check(task.WritePlan(ctx, st, r.RunID, plan))
		w.task(r.RunID, datastore.ParamsStep, datastore.ParamsTask, 0, datastore.AttemptOK, "", map[string]any{"Alpha": 3}, true)
	}
	w.task("100", "Start", "0", 0, datastore.AttemptOK, "", map[string]any{"X": 1}, true)
	w.log("100", "Start", "0", 0, datastore.Stdout, "hello\n")
	w.task("100", "Mid", "0", 0, datastore.AttemptOK, "", map[string]any{"X": 1}, true)
	w.task("100", "End", "0", 0, datastore.AttemptOK, "", map[string]any{"X": 1}, true)

	w.task("200", "Start", "0", 0, datastore.AttemptOK, "", map[string]any{"X": 1}, true)
	w.task("200", "Mid", "0", 0, datastore.AttemptOK, "", map[string]any{"X": 1}, true)
	w.task("200", "End", "0", 0, datastore.AttemptFailed, "boom", map[string]any{"X": 1}, false)
	w.log("200", "End", "0", 0, datastore.Stderr, "step End failed: boom\n")

	w.clone("100", "300", "Start", "0")
	w.task("300", "Mid", "0", 0, datastore.AttemptFailed, "first try", map[string]any{"X": 1}, false)
	w.task("300", "Mid", "0", 1, datastore.AttemptRunning, "", nil, false)
	return w.err
}

type demoWriter struct {
	ctx context.Context
	st  *datastore.Store
	err error
}

func (w *demoWriter) check(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *demoWriter) path(run, step, id string) datastore.TaskPath {
	return datastore.TaskPath{Flow: "Demo", Run: run, Step: step, Task: id}
}

// task writes attempt n of a task; arts nil writes no artifact index (the
// attempt has saved nothing yet); done writes the DONE marker.
func (w *demoWriter) task(run, step, id string, n int, status datastore.AttemptStatus, msg string, arts map[string]any, done bool) {
	p := w.path(run, step, id)
	start := demoStart.Add(time.Duration(n) * time.Second)
	a := datastore.Attempt{Attempt: n, Start: start, Status: status, Error: msg}
	if status != datastore.AttemptRunning {
		a.End = start.Add(time.Second)
	}
	if arts != nil {
		index := map[string]datastore.Artifact{}
		for name, v := range arts {
			ref, err := w.st.PutArtifact(w.ctx, v)
			w.check(err)
			index[name] = ref
		}
		w.check(w.st.WriteArtifacts(w.ctx, p, n, index))
	}
	w.check(w.st.WriteAttempt(w.ctx, p, a))
	if done {
		w.check(w.st.MarkDone(w.ctx, p, datastore.Done{Attempt: n, Status: status, Time: a.End}))
	}
}

func (w *demoWriter) log(run, step, id string, n int, s datastore.Stream, text string) {
	w.check(w.st.WriteLog(w.ctx, w.path(run, step, id), n, s, strings.NewReader(text)))
}

// clone copies a finished task into another run as a resume does.
func (w *demoWriter) clone(from, to, step, id string) {
	src, dst := w.path(from, step, id), w.path(to, step, id)
	d, err := w.st.ReadDone(w.ctx, src)
	w.check(err)
	a, err := w.st.ReadAttempt(w.ctx, src, d.Attempt)
	w.check(err)
	arts, err := w.st.ReadArtifacts(w.ctx, src, d.Attempt)
	w.check(err)
	a.Origin = src.String()
	w.check(w.st.WriteArtifacts(w.ctx, dst, d.Attempt, arts))
	w.check(w.st.WriteAttempt(w.ctx, dst, a))
	w.check(w.st.MarkDone(w.ctx, dst, d))
}

// demoRoot writes the Demo datastore into a fresh directory.
func demoRoot(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), ".flowc")
	if err := writeDemo(root); err != nil {
		t.Fatal(err)
	}
	return root
}
