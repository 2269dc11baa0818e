package exec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// TestMain lets the test binary act as a bare executor process, so that a
// test can SIGKILL one in the middle of a run (or hang it up, or stop it):
// it runs testdata/$FLOWC_TEST_EXECUTOR_FLOW (default slow), stopped by
// exec.StopSignals as flowc run is, with parameter Mode set to
// $FLOWC_TEST_EXECUTOR_MODE when that is set.
func TestMain(m *testing.M) {
	if root := os.Getenv("FLOWC_TEST_EXECUTOR_ROOT"); root != "" {
		dir := "testdata/slow"
		if name := os.Getenv("FLOWC_TEST_EXECUTOR_FLOW"); name != "" {
			dir = "testdata/" + name
		}
		var params map[string]json.RawMessage
		if mode := os.Getenv("FLOWC_TEST_EXECUTOR_MODE"); mode != "" {
			params = map[string]json.RawMessage{"Mode": json.RawMessage(strconv.Quote(mode))}
		}
		ctx, stop := exec.NotifyContext(context.Background())
		f, err := loadPlan(dir)
		if err == nil {
			_, err = exec.Run(ctx, exec.Options{Plan: f, PkgDir: dir, Root: root, MaxWorkers: 4, MaxNumSplits: 1000, Params: params})
		}
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// loadPlan checks the flow package in dir and returns its one flow.
func loadPlan(dir string) (*ir.Flow, error) {
	pkg, diags := check.Load(dir, parser.Options{})
	if err := diags.Err(); err != nil {
		return nil, err
	}
	return check.Select(pkg, "")
}

// mustPlan is loadPlan for a test.
func mustPlan(t *testing.T, dir string) *ir.Flow {
	t.Helper()
	f, err := loadPlan(dir)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestKillAndResume kills the executor with SIGKILL mid-run, resumes the
// run, and wants the artifacts of an uninterrupted run; and every document
// and blob left in the datastore whole.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a flow three times")
	}
	ctx := context.Background()
	plan := mustPlan(t, "testdata/slow")
	root := t.TempDir()

	// An uninterrupted run, for the expected result.
	whole, err := exec.Run(ctx, exec.Options{Plan: plan, PkgDir: "testdata/slow", Root: root})
	if err != nil || whole.Status != datastore.RunSucceeded {
		t.Fatalf("uninterrupted run: %v %+v", err, whole)
	}

	// A run killed once two foreach tasks are done.
	killRoot := t.TempDir()
	cmd := osexec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FLOWC_TEST_EXECUTOR_ROOT="+killRoot)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for doneTasks(killRoot, "Compute") < 2 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no task finished in time:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	done := doneTasks(killRoot, "Compute")
	if done >= 8 {
		t.Fatalf("the run finished before it was killed")
	}
	time.Sleep(time.Second) // let orphaned tasks end
	checkWhole(t, killRoot)

	st, err := datastore.OpenLocal(killRoot)
	if err != nil {
		t.Fatal(err)
	}
	origin, err := st.LatestRun(ctx, plan.Name)
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Run(ctx, exec.Options{Plan: plan, PkgDir: "testdata/slow", Root: killRoot,
		Resume: &exec.Resume{OriginRunID: origin}})
	if err != nil || res.Status != datastore.RunSucceeded {
		t.Fatalf("resume: %v %+v", err, res)
	}
	if res.Cloned < 3 { // Start and at least two Compute tasks
		t.Errorf("resume cloned %d tasks, want at least 3", res.Cloned)
	}
	wst, _ := datastore.OpenLocal(root)
	var want, got int
	artifact(t, wst, datastore.TaskPath{Flow: plan.Name, Run: whole.RunID, Step: "End", Task: "0"}, "Total", &want)
	artifact(t, st, datastore.TaskPath{Flow: plan.Name, Run: res.RunID, Step: "End", Task: "0"}, "Total", &got)
	if want != 204 || got != want {
		t.Errorf("Total: resumed %d, uninterrupted %d, want 204", got, want)
	}
	checkWhole(t, killRoot)
}

// doneTasks counts the finished tasks of a step in the root's only run.
func doneTasks(root, step string) int {
	m, _ := filepath.Glob(filepath.Join(root, "*", "*", step, "*", "DONE.json"))
	return len(m)
}

// checkWhole wants every document to parse and every blob to verify.
func checkWhole(t *testing.T, root string) {
	t.Helper()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case strings.HasPrefix(rel, "data"+string(filepath.Separator)):
			if _, err := st.GetBlob(context.Background(), d.Name()); err != nil {
				t.Errorf("blob %s: %v", rel, err)
			}
		case strings.HasSuffix(rel, ".json"):
			data, _ := os.ReadFile(path)
			if !json.Valid(data) {
				t.Errorf("document %s is not whole", rel)
			}
		}
		return nil
	})
}
