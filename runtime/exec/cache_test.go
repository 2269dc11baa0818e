package exec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// cacheRun runs testdata/cached into root and returns the result and the
// tasks that ran (Step-ID), from the marks they left.
func cacheRun(t *testing.T, root string, change func(*exec.Options)) (*exec.Result, []string) {
	t.Helper()
	pkg := "testdata/cached"
	marks := t.TempDir()
	t.Setenv("CACHED_MARKS", marks)
	var out bytes.Buffer
	opts := exec.Options{Plan: mustPlan(t, pkg), PkgDir: pkg, Root: root, Out: &out}
	if change != nil {
		change(&opts)
	}
	res, err := exec.Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	ents, _ := os.ReadDir(marks)
	var ran []string
	for _, e := range ents {
		parts := strings.Split(e.Name(), "-")
		ran = append(ran, parts[0]+"-"+parts[1])
	}
	sort.Strings(ran)
	return res, ran
}

var allTasks = []string{"End-0", "Join-0", "Square-0", "Square-1", "Square-2", "Start-0", "Summary-0"}

func readAttempt(t *testing.T, st *datastore.Store, p datastore.TaskPath) datastore.Attempt {
	t.Helper()
	d, err := st.ReadDone(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.ReadAttempt(context.Background(), p, d.Attempt)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestStepCache runs a flow with cached steps (a start, a foreach body and
// its join) again and again: the same inputs reuse every cached task, each
// from the task of its own index; the uncached steps run; --no-cache, other
// parameters and other code run everything.
func TestStepCache(t *testing.T) {
	root := t.TempDir()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	first, ran := cacheRun(t, root, nil)
	if first.Status != datastore.RunSucceeded || first.Cached != 0 || !slices.Equal(ran, allTasks) {
		t.Fatalf("first run: %s, %d cached, ran %v", first.Status, first.Cached, ran)
	}

	second, ran := cacheRun(t, root, nil)
	if second.Status != datastore.RunSucceeded || second.Cached != 5 || !slices.Equal(ran, []string{"End-0", "Summary-0"}) {
		t.Fatalf("second run: %s, %d cached, ran %v; want 5 cached, Summary and End run", second.Status, second.Cached, ran)
	}
	for _, task := range []string{"Start/0", "Square/0", "Square/1", "Square/2", "Join/0"} {
		step, id, _ := strings.Cut(task, "/")
		p := datastore.TaskPath{Flow: "Cached", Run: second.RunID, Step: step, Task: id}
		a := readAttempt(t, st, p)
		want := "Cached/" + first.RunID + "/" + task
		if !a.Cached || a.Origin != want || !a.Start.Equal(a.End) {
			t.Errorf("%s: cached %v, origin %s (want %s), %v..%v", p, a.Cached, a.Origin, want, a.Start, a.End)
		}
	}
	var total int
	artifact(t, st, datastore.TaskPath{Flow: "Cached", Run: second.RunID, Step: "End", Task: "0"}, "Total", &total)
	if total != 14 {
		t.Errorf("Total = %d after cached tasks, want 14", total)
	}
	a := readAttempt(t, st, datastore.TaskPath{Flow: "Cached", Run: second.RunID, Step: "Join", Task: "0"})
	if want := []string{"Cached/" + second.RunID + "/Square/0", "Cached/" + second.RunID + "/Square/1", "Cached/" + second.RunID + "/Square/2"}; !slices.Equal(a.InputPaths, want) {
		t.Errorf("cached Join's inputs %v, want this run's %v", a.InputPaths, want)
	}

	// --no-cache runs everything.
	res, ran := cacheRun(t, root, func(o *exec.Options) { o.NoCache = true })
	if res.Cached != 0 || !slices.Equal(ran, allTasks) {
		t.Errorf("--no-cache: %d cached, ran %v", res.Cached, ran)
	}
	// Another parameter value: another key for every task.
	res, ran = cacheRun(t, root, func(o *exec.Options) { o.Params = map[string]json.RawMessage{"Scale": json.RawMessage("2")} })
	if res.Cached != 0 || !slices.Equal(ran, allTasks) {
		t.Errorf("--scale 2: %d cached, ran %v", res.Cached, ran)
	}
	artifact(t, st, datastore.TaskPath{Flow: "Cached", Run: res.RunID, Step: "End", Task: "0"}, "Total", &total)
	if total != 28 {
		t.Errorf("Total = %d with scale 2, want 28", total)
	}
	// Other code (here: another flowc version, part of the runner's key).
	res, ran = cacheRun(t, root, func(o *exec.Options) { o.Build.Version = "other" })
	if res.Cached != 0 || !slices.Equal(ran, allTasks) {
		t.Errorf("other code: %d cached, ran %v", res.Cached, ran)
	}
}

// TestStepCacheOriginGone: an entry whose task was deleted is ignored, and
// the task runs.
func TestStepCacheOriginGone(t *testing.T) {
	root := t.TempDir()
	first, _ := cacheRun(t, root, nil)
	if err := os.RemoveAll(filepath.Join(root, "Cached", first.RunID)); err != nil {
		t.Fatal(err)
	}
	res, ran := cacheRun(t, root, nil)
	if res.Status != datastore.RunSucceeded || res.Cached != 0 || !slices.Equal(ran, allTasks) {
		t.Errorf("%s, %d cached, ran %v; want everything run", res.Status, res.Cached, ran)
	}
}

// TestStepCacheResume: a failed run resumed clones what finished; a
// resume from a cached step reuses the cache for it.
func TestStepCacheResume(t *testing.T) {
	root := t.TempDir()
	t.Setenv("CACHED_FAIL", "1")
	failed, _ := cacheRun(t, root, nil)
	if failed.Status != datastore.RunFailed {
		t.Fatalf("run %s, want failed", failed.Status)
	}
	t.Setenv("CACHED_FAIL", "")
	res, ran := cacheRun(t, root, func(o *exec.Options) { o.Resume = &exec.Resume{OriginRunID: failed.RunID} })
	if res.Status != datastore.RunSucceeded || res.Cloned != 5 || res.Cached != 0 || !slices.Equal(ran, []string{"End-0", "Summary-0"}) {
		t.Errorf("resume: %s, %d cloned, %d cached, ran %v", res.Status, res.Cloned, res.Cached, ran)
	}
	// Resuming from Square: Start is cloned, Square and Join come from the
	// cache (the failed run's tasks), Summary and End run.
	res, ran = cacheRun(t, root, func(o *exec.Options) { o.Resume = &exec.Resume{OriginRunID: failed.RunID, Step: "Square"} })
	if res.Status != datastore.RunSucceeded || res.Cloned != 1 || res.Cached != 4 || !slices.Equal(ran, []string{"End-0", "Summary-0"}) {
		t.Errorf("resume Square: %s, %d cloned, %d cached, ran %v", res.Status, res.Cloned, res.Cached, ran)
	}
}
