package client_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

func open(t *testing.T, root string) *client.Client {
	t.Helper()
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func stepNames(t *testing.T, r *client.Run) []string {
	t.Helper()
	steps, err := r.Steps()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range steps {
		names = append(names, s.Name())
	}
	return names
}

func taskIDs(tasks []*client.Task) []string {
	var ids []string
	for _, t := range tasks {
		ids = append(ids, t.ID())
	}
	return ids
}

// TestForeach reads back a real run of examples/foreach.
func TestForeach(t *testing.T) {
	id := testRun(t, "foreach")
	c := open(t, exampleRoot)
	f := c.Flow("WordCount")
	run, err := f.Run(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, get := range []func() (*client.Run, error){f.LatestRun, f.LatestSuccessfulRun} {
		r, err := get()
		if err != nil || r.ID() != id {
			t.Errorf("latest run: %v, %v; want %s", r, err, id)
		}
	}
	if !run.Successful() || !run.Finished() || run.Status() != datastore.RunSucceeded {
		t.Errorf("run status %s, successful %v, finished %v", run.Status(), run.Successful(), run.Finished())
	}
	if run.Duration() <= 0 || run.End().Before(run.Start()) || run.Pathspec() != "WordCount/"+id {
		t.Errorf("run %s from %v to %v (%v)", run.Pathspec(), run.Start(), run.End(), run.Duration())
	}
	if !slices.Contains(run.SystemTags(), client.DefaultNamespace()) {
		t.Errorf("system tags %v lack %s", run.SystemTags(), client.DefaultNamespace())
	}
	if got := stepNames(t, run); !slices.Equal(got, []string{"Start", "Process", "Join", "End"}) {
		t.Errorf("steps %v", got)
	}

	tasks, err := run.Step("Process").Tasks()
	if err != nil {
		t.Fatal(err)
	}
	if got := taskIDs(tasks); !slices.Equal(got, []string{"0", "1", "2"}) {
		t.Fatalf("Process tasks %v", got)
	}
	// A struct of the caller's own, with the artifact's field names.
	type summary struct {
		Index int
		First string
		Words int
	}
	wantWords := []int{12, 8, 9}
	for i, task := range tasks {
		var s summary
		if err := task.Artifact("Summary", &s); err != nil {
			t.Fatal(err)
		}
		if s.Index != i || s.Words != wantWords[i] {
			t.Errorf("%s: Summary %+v", task.Pathspec(), s)
		}
		fs := task.ForeachStack()
		if len(fs) != 1 || fs[0] != (datastore.ForeachFrame{Step: "Start", Var: "Items", Index: i, Splits: 3}) {
			t.Errorf("%s: foreach stack %+v", task.Pathspec(), fs)
		}
		if !task.Successful() || !task.Finished() || task.Attempt() != 0 || task.Error() != nil {
			t.Errorf("%s: successful %v, finished %v, attempt %d, error %v", task.Pathspec(), task.Successful(), task.Finished(), task.Attempt(), task.Error())
		}
	}
	v, err := tasks[1].ArtifactAny("Summary")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"Index": int64(1), "First": "a", "Words": int64(8)}; !reflect.DeepEqual(v, want) {
		t.Errorf("ArtifactAny(Summary) = %#v, want %#v", v, want)
	}

	end, err := run.EndTask()
	if err != nil {
		t.Fatal(err)
	}
	var total int
	if err := end.Artifact("Total", &total); err != nil || total != 29 {
		t.Errorf("Total = %d, %v; want 29", total, err)
	}
	if got := end.Artifacts(); !slices.Equal(got, []string{"Summaries", "Total"}) {
		t.Errorf("End artifacts %v", got)
	}
	if info, ok := end.ArtifactInfo("Summaries"); !ok || info.GoType != "[]foreach.Summary" {
		t.Errorf("ArtifactInfo(Summaries) = %+v, %v", info, ok)
	}
	stderr, err := end.Stderr()
	if err != nil || !strings.Contains(stderr, "msg=counted documents=3 words=29") {
		t.Errorf("End stderr %q, %v", stderr, err)
	}
	if stdout, err := end.Stdout(); err != nil || stdout != "" {
		t.Errorf("End stdout %q, %v", stdout, err)
	}
	params, err := run.Parameters()
	if err != nil || len(params) != 0 {
		t.Errorf("parameters %v, %v; want none", params, err)
	}
}

// TestRetryCatch reads back a real run of examples/retrycatch: a task
// retried twice, and a caught failure.
func TestRetryCatch(t *testing.T) {
	id := testRun(t, "retrycatch")
	c := open(t, exampleRoot)
	run, err := c.Flow("Report").Run(id)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Successful() || !slices.Equal(run.Tags(), []string{"exp-1"}) {
		t.Errorf("run %s, tags %v", run.Status(), run.Tags())
	}

	publish, err := run.Step("Publish").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	if !publish.Finished() || publish.Successful() || publish.Status() != datastore.AttemptCaught {
		t.Errorf("caught task: finished %v, successful %v, status %s", publish.Finished(), publish.Successful(), publish.Status())
	}
	var te *client.TaskError
	if err := publish.Error(); !errors.As(err, &te) || te.Status != datastore.AttemptCaught || !strings.Contains(te.Message, "service unavailable") {
		t.Errorf("caught task error %v", err)
	}
	var failure *flow.CaughtError
	if err := publish.Artifact("Failure", &failure); err != nil {
		t.Fatal(err)
	}
	if failure == nil || failure.Step != "Publish" || !strings.Contains(failure.Message, "service unavailable") {
		t.Errorf("Failure = %+v", failure)
	}

	fetch, err := run.Step("Fetch").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	if !fetch.Successful() || fetch.Attempt() != 2 || !slices.Equal(fetch.Attempts(), []int{0, 1, 2}) || fetch.Error() != nil {
		t.Errorf("Fetch: successful %v, attempt %d of %v, error %v", fetch.Successful(), fetch.Attempt(), fetch.Attempts(), fetch.Error())
	}
	first, err := fetch.AtAttempt(0)
	if err != nil {
		t.Fatal(err)
	}
	if first.Status() != datastore.AttemptFailed || first.Finished() || first.Error() == nil ||
		!strings.Contains(first.Error().Error(), "fetch values, attempt 0: service unavailable") {
		t.Errorf("Fetch attempt 0: status %s, finished %v, error %v", first.Status(), first.Finished(), first.Error())
	}
	if log, err := fetch.Logs(client.Stderr, 0); err != nil || !strings.Contains(log, "step Fetch failed: fetch values, attempt 0") {
		t.Errorf("Fetch attempt 0 stderr %q, %v", log, err)
	}
	if _, err := fetch.Logs(client.Stderr, 7); !errors.Is(err, client.ErrNotFound) || !strings.Contains(err.Error(), "no attempt 7 (its attempts: 0, 1, 2)") {
		t.Errorf("attempt 7: %v", err)
	}
	if _, err := fetch.AtAttempt(-1); err == nil {
		t.Error("AtAttempt(-1) succeeded")
	}

	params, err := run.Parameters()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"FailAttempts": int64(2), "Work": int64(100 * time.Millisecond), "Endpoint": "https://reports.example.com/upload"}
	if !reflect.DeepEqual(params, want) {
		t.Errorf("Parameters() = %#v, want %#v", params, want)
	}
	var n int
	if err := run.Parameter("fail-attempts", &n); err != nil || n != 2 {
		t.Errorf("Parameter(fail-attempts) = %d, %v", n, err)
	}
	var work time.Duration
	if err := run.Parameter("Work", &work); err != nil || work != 100*time.Millisecond {
		t.Errorf("Parameter(Work) = %v, %v", work, err)
	}
	if err := run.Parameter("Values", &n); !errors.Is(err, client.ErrNotFound) || !strings.Contains(err.Error(), "its parameters: Endpoint, FailAttempts, Work") {
		t.Errorf("Parameter(Values): %v", err)
	}

	for tags, want := range map[string]int{"exp-1": 1, "exp-1 runtime:local": 1, "nope": 0} {
		runs, err := c.Flow("Report").Runs(strings.Fields(tags)...)
		if err != nil || len(runs) != want {
			t.Errorf("Runs(%s) = %d runs, %v; want %d", tags, len(runs), err, want)
		}
	}
}

func TestLookup(t *testing.T) {
	id := testRun(t, "foreach")
	c := open(t, exampleRoot)
	for _, tc := range []struct {
		pathspec string
		typ      string
	}{
		{"WordCount", "*client.Flow"},
		{"WordCount/" + id, "*client.Run"},
		{"WordCount/" + id + "/Process", "*client.Step"},
		{"WordCount/" + id + "/Process/2", "*client.Task"},
	} {
		obj, err := c.Lookup(tc.pathspec)
		if err != nil {
			t.Errorf("Lookup(%s): %v", tc.pathspec, err)
			continue
		}
		if typ := fmt.Sprintf("%T", obj); typ != tc.typ || obj.Pathspec() != tc.pathspec {
			t.Errorf("Lookup(%s) = %s %s", tc.pathspec, typ, obj.Pathspec())
		}
	}
	for _, tc := range []struct{ pathspec, msg string }{
		{"Nope", "flow Nope not found in "},
		{"WordCount/123", "run WordCount/123 not found in "},
		{"WordCount/" + id + "/Nope", "step WordCount/" + id + "/Nope not found in "},
		{"WordCount/" + id + "/Process/9", "task WordCount/" + id + "/Process/9 not found in "},
	} {
		_, err := c.Lookup(tc.pathspec)
		if !errors.Is(err, client.ErrNotFound) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Lookup(%s): %v, want %q", tc.pathspec, err, tc.msg)
		}
	}
	var pe *client.PathspecError
	if _, err := c.Lookup("a/b/c/d/e"); !errors.As(err, &pe) {
		t.Errorf("Lookup of 5 components: %v", err)
	}
	task := mustLookup[*client.Task](t, c, "WordCount/"+id+"/Join/0")
	if err := task.Artifact("Nope", new(int)); !errors.Is(err, client.ErrNotFound) ||
		!strings.Contains(err.Error(), "task WordCount/"+id+"/Join/0 has no artifact Nope (its artifacts: Summaries, Total)") {
		t.Errorf("missing artifact: %v", err)
	}
	var s string
	if err := task.Artifact("Total", &s); err == nil || !strings.Contains(err.Error(), "artifact Total of task WordCount/") {
		t.Errorf("Total into a string: %v", err)
	}
}

func mustLookup[T client.Object](t *testing.T, c *client.Client, pathspec string) T {
	t.Helper()
	obj, err := c.Lookup(pathspec)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := obj.(T)
	if !ok {
		t.Fatalf("Lookup(%s) = %T", pathspec, obj)
	}
	return v
}

func TestFlows(t *testing.T) {
	testRun(t, "foreach")
	testRun(t, "retrycatch")
	flows, err := open(t, exampleRoot).Flows()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range flows {
		names = append(names, f.Name())
	}
	if !slices.Contains(names, "WordCount") || !slices.Contains(names, "Report") || !slices.IsSorted(names) {
		t.Errorf("flows %v", names)
	}
}

func TestOpenMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nothing")
	if _, err := client.Open(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Open of a missing directory: %v", err)
	}
}

func TestNamespaces(t *testing.T) {
	c := open(t, demoRoot(t))
	ana := c.Namespace("user:ana")
	if ana.CurrentNamespace() != "user:ana" || c.CurrentNamespace() != client.DefaultNamespace() {
		t.Errorf("namespaces %q, %q", ana.CurrentNamespace(), c.CurrentNamespace())
	}
	for _, tc := range []struct {
		ns   string
		want []string
	}{
		{"user:ana", []string{"300", "100"}},
		{"user:bob", []string{"200"}},
		{"exp", []string{"100"}},
		{client.Global, []string{"300", "200", "100"}},
		{"user:carol", nil},
	} {
		runs, err := c.Namespace(tc.ns).Flow("Demo").Runs()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range runs {
			ids = append(ids, r.ID())
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("namespace %q: runs %v, want %v", tc.ns, ids, tc.want)
		}
	}
	if r, err := ana.Flow("Demo").LatestRun(); err != nil || r.ID() != "300" || r.Finished() {
		t.Errorf("latest run %v, %v", r, err)
	}
	if r, err := ana.Flow("Demo").LatestSuccessfulRun(); err != nil || r.ID() != "100" {
		t.Errorf("latest successful run %v, %v", r, err)
	}
	if _, err := c.Namespace("user:bob").Flow("Demo").LatestSuccessfulRun(); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("bob's latest successful run: %v", err)
	}
	if _, err := c.Namespace("user:bob").Flow("Demo").Run("100"); !errors.Is(err, client.ErrNotInNamespace) ||
		!strings.Contains(err.Error(), "run Demo/100: not in namespace user:bob") {
		t.Errorf("ana's run in bob's namespace: %v", err)
	}
	_, err := c.Namespace("user:carol").Flow("Demo").LatestRun()
	if !errors.Is(err, client.ErrNotFound) || !strings.Contains(err.Error(), "flow Demo has no runs in namespace user:carol (3 runs in other namespaces)") {
		t.Errorf("carol's latest run: %v", err)
	}
	if _, err := c.Namespace("user:carol").Lookup("Demo"); err == nil {
		t.Error("Lookup(Demo) in carol's namespace succeeded")
	}
	if flows, err := c.Namespace("user:carol").Flows(); err != nil || len(flows) != 0 {
		t.Errorf("carol's flows %v, %v", flows, err)
	}
	if flows, err := ana.Flows(); err != nil || len(flows) != 1 || flows[0].Pathspec() != "Demo" {
		t.Errorf("ana's flows %v, %v", flows, err)
	}
}

// TestUnfinished reads a failed run and a running resume of the Demo
// datastore.
func TestUnfinished(t *testing.T) {
	c := open(t, demoRoot(t)).Namespace(client.Global)
	failed := mustLookup[*client.Run](t, c, "Demo/200")
	if failed.Successful() || !failed.Finished() || failed.Duration() != 5*time.Second || failed.User() != "bob" {
		t.Errorf("failed run: successful %v, finished %v, duration %v", failed.Successful(), failed.Finished(), failed.Duration())
	}
	end, err := failed.EndTask()
	if err != nil {
		t.Fatal(err)
	}
	if end.Finished() || end.Successful() || end.Status() != datastore.AttemptFailed || end.Error() == nil ||
		end.Error().Error() != "task Demo/200/End/0, attempt 0 (failed): boom" {
		t.Errorf("failed end task: finished %v, status %s, error %v", end.Finished(), end.Status(), end.Error())
	}
	if log, err := end.Stderr(); err != nil || log != "step End failed: boom\n" {
		t.Errorf("failed end task stderr %q, %v", log, err)
	}

	running := mustLookup[*client.Run](t, c, "Demo/300")
	if running.Finished() || running.Successful() || running.Duration() < time.Hour || running.OriginRunID() != "100" {
		t.Errorf("running run: finished %v, duration %v", running.Finished(), running.Duration())
	}
	if _, err := running.EndTask(); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("running run's end task: %v", err)
	}
	if got := stepNames(t, running); !slices.Equal(got, []string{"Start", "Mid"}) {
		t.Errorf("steps %v", got)
	}
	mid := mustLookup[*client.Task](t, c, "Demo/300/Mid/0")
	if mid.Attempt() != 1 || mid.Status() != datastore.AttemptRunning || mid.Finished() || mid.Error() != nil || len(mid.Artifacts()) != 0 {
		t.Errorf("running task: attempt %d, status %s, finished %v, error %v, artifacts %v",
			mid.Attempt(), mid.Status(), mid.Finished(), mid.Error(), mid.Artifacts())
	}
	if log, err := mid.Stdout(); err != nil || log != "" {
		t.Errorf("running task stdout %q, %v", log, err)
	}
	if prev, err := mid.AtAttempt(0); err != nil || prev.Error() == nil || !strings.Contains(prev.Error().Error(), "first try") {
		t.Errorf("attempt 0 of the running task: %v, %v", prev, err)
	}

	// A cloned task shows the log of its origin.
	start := mustLookup[*client.Task](t, c, "Demo/300/Start/0")
	if log, err := start.Stdout(); err != nil || log != "hello\n" || start.Origin() != "Demo/100/Start/0" || !start.Successful() {
		t.Errorf("cloned task: stdout %q, %v, origin %q", log, err, start.Origin())
	}

	var alpha int
	if err := running.Parameter("alpha", &alpha); err != nil || alpha != 3 {
		t.Errorf("Parameter(alpha) = %d, %v", alpha, err)
	}
	if cfg, err := running.Configs(); err != nil || len(cfg) != 0 {
		t.Errorf("Configs() = %v, %v", cfg, err)
	}
}

func TestTags(t *testing.T) {
	root := demoRoot(t)
	c := open(t, root).Namespace(client.Global)
	run := mustLookup[*client.Run](t, c, "Demo/100")
	if err := run.AddTags("a", "b", "a", "exp"); err != nil {
		t.Fatal(err)
	}
	if got := run.Tags(); !slices.Equal(got, []string{"exp", "a", "b"}) {
		t.Errorf("after AddTags: %v", got)
	}
	if err := run.RemoveTags("exp", "nope"); err != nil {
		t.Fatal(err)
	}
	// A fresh client reads the tags from the run document.
	again := mustLookup[*client.Run](t, open(t, root).Namespace(client.Global), "Demo/100")
	if got := again.Tags(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("after RemoveTags, read again: %v", got)
	}
	if err := run.RemoveTags("user:ana"); err == nil || !strings.Contains(err.Error(), "user:ana is a system tag") {
		t.Errorf("removing a system tag: %v", err)
	}
	if err := run.AddTags(""); err == nil {
		t.Error("adding an empty tag succeeded")
	}
	if err := run.AddTags(strings.Repeat("x", client.MaxTagLen+1)); err == nil {
		t.Error("adding a long tag succeeded")
	}
	var many []string
	for i := range client.MaxUserTags {
		many = append(many, fmt.Sprint("t", i))
	}
	if err := run.AddTags(many...); err == nil || !strings.Contains(err.Error(), "over 50") {
		t.Errorf("adding 50 more tags: %v", err)
	}
	// A user tag can name a namespace.
	if err := run.AddTags("team:ml"); err != nil {
		t.Fatal(err)
	}
	if runs, err := c.Namespace("team:ml").Flow("Demo").Runs(); err != nil || len(runs) != 1 {
		t.Errorf("runs in namespace team:ml: %v, %v", runs, err)
	}
}

func TestParsePathspec(t *testing.T) {
	for _, s := range []string{"F", "F/1", "F/1/Start", "F/1/Start/0", "F/1/Process/3-1", "F/x_y/S/0.2"} {
		p, err := client.ParsePathspec(s)
		if err != nil || p.String() != s || p.Depth() != strings.Count(s, "/")+1 {
			t.Errorf("ParsePathspec(%q) = %+v, %v", s, p, err)
		}
	}
	for _, s := range []string{"", "/", "F/", "/1", "F//S", "F/1/S/0/x", "F/.1", "data/1", "F/a\\b", "F/\xff"} {
		var pe *client.PathspecError
		if _, err := client.ParsePathspec(s); !errors.As(err, &pe) || pe.Pathspec != s {
			t.Errorf("ParsePathspec(%q): %v, want a *PathspecError", s, err)
		}
	}
}

func FuzzParsePathspec(f *testing.F) {
	for _, s := range []string{"F", "F/1/S/0", "F//S", "a/b/c/d/e", ".x", "data"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := client.ParsePathspec(s)
		if err != nil {
			return
		}
		if p.String() != s {
			t.Errorf("ParsePathspec(%q).String() = %q", s, p.String())
		}
		// A pathspec the parser accepts is a valid datastore task path
		// once filled up to a task.
		full := client.Pathspec{Flow: p.Flow, Run: "1", Step: "S", Task: "0"}
		if p.Run != "" {
			full.Run = p.Run
		}
		if p.Step != "" {
			full.Step = p.Step
		}
		if p.Task != "" {
			full.Task = p.Task
		}
		if _, err := datastore.ParseTaskPath(full.String()); err != nil {
			t.Errorf("ParsePathspec(%q) accepted what the datastore rejects: %v", s, err)
		}
	})
}

// TestParametersOnEveryTask reads a parameter through a step's task, as
// Metaflow's task.data.param does.
func TestParametersOnEveryTask(t *testing.T) {
	id := testRun(t, "hello")
	r, err := open(t, exampleRoot).Flow("Hello").Run(id)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := r.Steps()
	if err != nil || len(steps) == 0 {
		t.Fatal(err)
	}
	tasks, err := steps[len(steps)-1].Tasks()
	if err != nil || len(tasks) == 0 {
		t.Fatal(err)
	}
	params, err := r.Parameters()
	if err != nil || len(params) == 0 {
		t.Fatalf("parameters %v, %v", params, err)
	}
	for name := range params {
		var v any
		if err := tasks[0].Artifact(name, &v); err != nil {
			t.Errorf("parameter %s on %s: %v", name, tasks[0].Pathspec(), err)
		}
	}
}
