//go:build linux

package exec_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/internal/runsnap"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
	"github.com/flowc-dev/flowc/ui"
)

// TestSoak runs the 200-task flow testdata/soak, kills its executor with
// SIGKILL at a random moment, and resumes it, FLOWC_SOAK_RUNS times in a
// row (3 by default; `make soak` runs 20), with the runs listing and the
// UI's home page polled throughout. Every resume must end with the
// artifacts of an uninterrupted run, no run may be left running (the
// killed one is stale, and its resume records it failed), and the
// temporary files killed writers leave must not pile up: after each
// resume at most one per worker is left, and `flowc gc` removes them all.
// FLOWC_SOAK_SEED fixes the kill moments.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and resumes a 200-task run three times")
	}
	n := 3
	if s := os.Getenv("FLOWC_SOAK_RUNS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("FLOWC_SOAK_RUNS=%q: want a number from 1", s)
		}
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FLOWC_SOAK_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("FLOWC_SOAK_RUNS=%d FLOWC_SOAK_SEED=%d", n, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	ctx := context.Background()
	plan := mustPlan(t, "testdata/soak")

	// The uninterrupted run the resumes must match.
	clean := t.TempDir()
	start := time.Now()
	whole, err := exec.Run(ctx, exec.Options{Plan: plan, PkgDir: "testdata/soak", Root: clean, MaxNumSplits: 1000})
	if err != nil || whole.Status != datastore.RunSucceeded {
		t.Fatalf("uninterrupted run: %v %+v", err, whole)
	}
	t.Logf("uninterrupted run: %d tasks in %v", whole.Tasks, time.Since(start).Round(time.Millisecond))
	want := soakSnapshot(t, clean, plan.Name, whole.RunID)

	root := t.TempDir()
	stopPoll := poll(t, root)
	defer stopPoll()
	for i := range n {
		mark := testMark(t)
		before := doneAll(root) // the tasks of the earlier rounds' runs
		e := startExecutor(t, "soak", "", root, mark)
		killAt := 1 + rng.IntN(whole.Tasks-2)
		e.waitFor(t, fmt.Sprintf("%d tasks done", killAt), func() bool { return doneAll(root)-before >= killAt })
		e.cmd.Process.Kill()
		<-e.exited
		origin := latestRunning(t, root, plan.Name)
		start := time.Now()
		res, err := exec.Run(ctx, exec.Options{Plan: plan, PkgDir: "testdata/soak", Root: root, MaxNumSplits: 1000,
			Resume: &exec.Resume{OriginRunID: origin}})
		if err != nil || res.Status != datastore.RunSucceeded {
			t.Fatalf("round %d: resume: %v %+v", i, err, res)
		}
		t.Logf("round %d: killed after %d tasks; the resume cloned %d and ran %d in %v", i, killAt, res.Cloned, res.Tasks-res.Cloned,
			time.Since(start).Round(time.Millisecond))
		if diff := cmp.Diff(want, soakSnapshot(t, root, plan.Name, res.RunID)); diff != "" {
			t.Fatalf("round %d: the resumed run differs from an uninterrupted one (-want +got):\n%s", i, diff)
		}
		waitGone(t, mark, 0, fmt.Sprintf("round %d: the killed run's tasks", i))
		if temps := tempFiles(t, root); len(temps) > 16 {
			t.Errorf("round %d: %d temporary files left, more than one per worker: %v", i, len(temps), temps)
		}
		l, err := datastore.NewLocal(root)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := l.RemoveTemp(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if temps := tempFiles(t, root); len(temps) > 0 {
			t.Errorf("round %d: flowc gc left %v", i, temps)
		}
	}
	stopPoll()
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := c.Namespace(client.Global).Flow(plan.Name).Runs()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Status() == datastore.RunRunning {
			t.Errorf("run %s is left %s", r.Pathspec(), r.StatusText())
		}
	}
	if len(runs) != 2*n {
		t.Errorf("%d runs, want %d (each killed run and its resume)", len(runs), 2*n)
	}
}

// soakSnapshot describes a run with runsnap, its id taken out.
func soakSnapshot(t *testing.T, root, flow, id string) []string {
	t.Helper()
	lines, err := runsnap.Of(root, flow, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range lines {
		lines[i] = strings.ReplaceAll(l, "/"+id+"/", "/RUN/")
	}
	slices.Sort(lines)
	return lines
}

// doneAll counts the finished tasks of every run under root.
func doneAll(root string) int {
	m, _ := filepath.Glob(filepath.Join(root, "*", "*", "*", "*", "DONE.json"))
	return len(m)
}

// latestRunning returns the id of the run of flow recorded as running.
func latestRunning(t *testing.T, root, flow string) string {
	t.Helper()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := st.ListRuns(context.Background(), flow)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Status == datastore.RunRunning {
			return r.RunID
		}
	}
	t.Fatalf("no run of %s is recorded as running", flow)
	return ""
}

// tempFiles lists the temporary files under root.
func tempFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(d.Name(), ".tmp-") {
			out = append(out, strings.TrimPrefix(path, root))
		}
		return nil
	})
	return out
}

// poll reads the runs listing (as flowc runs does) and the UI's home page
// over and over until stopped, and fails the test on any error.
func poll(t *testing.T, root string) (stop func()) {
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	srvC, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ui.New(srvC)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for polls := 0; ; polls++ {
			select {
			case <-quit:
				t.Logf("polled the runs and the UI %d times", polls)
				return
			case <-time.After(100 * time.Millisecond):
			}
			flows, err := c.Namespace(client.Global).Flows()
			for _, f := range flows {
				var runs []*client.Run
				if runs, err = f.Runs(); err != nil {
					break
				}
				for _, r := range runs {
					_ = r.StatusText()
				}
			}
			if err != nil {
				t.Errorf("runs listing: %v", err)
			}
			resp, err := http.Get(srv.URL + "/")
			if err != nil {
				t.Errorf("UI: %v", err)
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("UI home page: %d\n%s", resp.StatusCode, body)
			}
		}
	})
	var once sync.Once
	return func() {
		once.Do(func() {
			close(quit)
			wg.Wait()
			srv.Close()
		})
	}
}
