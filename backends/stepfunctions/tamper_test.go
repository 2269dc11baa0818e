package stepfunctions_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// With FLOWC_TAMPER_RUNNER set, the test binary is a task runner for
// run.mjs: it runs the real runner (FLOWC_TAMPER_RUNNER) with its
// arguments, then, when the task is of step FLOWC_TAMPER_STEP, spoils what
// it wrote as FLOWC_TAMPER_MODE says: "transition" makes DONE.json name a
// step the plan does not have, "items" deletes foreach.json. This is how
// the tests make a datastore read or a Choice fail at run time.
func TestMain(m *testing.M) {
	if real := os.Getenv("FLOWC_TAMPER_RUNNER"); real != "" {
		os.Exit(tamper(real, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func tamper(real string, args []string) int {
	cmd := exec.Command(real, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	if err != nil || len(args) < 2 || args[0] != "step" || args[1] != os.Getenv("FLOWC_TAMPER_STEP") {
		return code
	}
	flag := func(name string) string {
		if i := slices.Index(args, name); i >= 0 && i+1 < len(args) {
			return args[i+1]
		}
		return ""
	}
	dir := filepath.Join(flag("--datastore-root"), os.Getenv("FLOWC_TAMPER_FLOW"), flag("--run-id"), args[1], flag("--task-id"))
	switch os.Getenv("FLOWC_TAMPER_MODE") {
	case "transition":
		path := filepath.Join(dir, "DONE.json")
		data, err := os.ReadFile(path)
		var doc map[string]any
		if err != nil || json.Unmarshal(data, &doc) != nil {
			return 99
		}
		doc["transition"] = map[string]any{"next": []string{"Nowhere"}}
		data, _ = json.Marshal(doc)
		if os.WriteFile(path, data, 0o644) != nil {
			return 99
		}
	case "items":
		if os.Remove(filepath.Join(dir, "foreach.json")) != nil {
			return 99
		}
	}
	return code
}

// tamperedRun executes the example in aws-local-stepfunctions with the
// tampering runner and returns the execution and the run's record.
func tamperedRun(t *testing.T, example, step, mode string) (execution, datastore.RunStatus) {
	t.Helper()
	node := needNode(t)
	f, dir := loadExample(t, example)
	bundle := compileBundle(t, f, dir, e2eOptions)
	r, err := build.Build(context.Background(), dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("FLOWC_TAMPER_RUNNER", r.Path)
	t.Setenv("FLOWC_TAMPER_STEP", step)
	t.Setenv("FLOWC_TAMPER_MODE", mode)
	t.Setenv("FLOWC_TAMPER_FLOW", f.Name)
	root := t.TempDir()
	runID := "sfn-tamper-" + mode
	ex := execute(t, node, bundle, self, root, runID, nil)
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Namespace(client.Global).Flow(f.Name).Run(runID)
	if err != nil {
		t.Fatal(err)
	}
	return ex, run.Status()
}

// TestRuntimeErrorsRecordFailure makes a conditional's Choice meet a
// transition it does not know, and a foreach's item read find nothing:
// each fails the execution through flowc.failed, so the run is recorded
// failed instead of staying running, and the read was retried first.
func TestRuntimeErrorsRecordFailure(t *testing.T) {
	for _, tc := range []struct{ example, step, mode, retried string }{
		{"conditional", "Assess", "transition", ""},
		{"foreach", "Start", "items", "StateRetried:Start.items"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			ex, status := tamperedRun(t, tc.example, tc.step, tc.mode)
			if ex.Status != "FAILED" || !slices.Contains(ex.Events, "StateEntered:flowc.failed") {
				t.Errorf("execution %s %s: %s\nevents %v\nwant FAILED through flowc.failed", ex.Status, ex.Error, ex.Cause, ex.Events)
			}
			if status != datastore.RunFailed {
				t.Errorf("run status %s, want failed", status)
			}
			if tc.retried != "" && !slices.ContainsFunc(ex.Events, func(e string) bool { return strings.HasPrefix(e, tc.retried) }) {
				t.Errorf("events %v lack %s", ex.Events, tc.retried)
			}
		})
	}
}

// TestEndedRecordsFailure: an execution that timed out or was stopped
// runs no Catch, so the rule MACHINE-ended starts the state machine with
// {"flowc:end-run": NAME}; that execution records run NAME, left running,
// as failed, and runs nothing else.
func TestEndedRecordsFailure(t *testing.T) {
	node := needNode(t)
	f, dir := loadExample(t, "hello")
	bundle := compileBundle(t, f, dir, e2eOptions)
	r, err := build.Build(context.Background(), dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	// Start ran; then the execution timed out.
	out, err := exec.Command(r.Path, "step", "Start", "--run-id", "sfn-ended", "--task-id", "0", "--datastore-root", root, "--param", "name=x").CombinedOutput()
	if err != nil {
		t.Fatalf("runner: %v\n%s", err, out)
	}
	c, _ := client.Open(root)
	status := func() datastore.RunStatus {
		run, err := c.Namespace(client.Global).Flow(f.Name).Run("sfn-ended")
		if err != nil {
			t.Fatal(err)
		}
		return run.Status()
	}
	if s := status(); s != datastore.RunRunning {
		t.Fatalf("run %s after Start, want running", s)
	}
	ex := execute(t, node, bundle, r.Path, root, "ended-cleanup", map[string]any{"flowc:end-run": "sfn-ended"})
	if ex.Status != "SUCCEEDED" || len(ex.Tasks) != 1 || ex.Tasks[0].Command[1] != "end-run" {
		t.Fatalf("execution %s %s: %s; tasks %+v", ex.Status, ex.Error, ex.Cause, ex.Tasks)
	}
	if s := status(); s != datastore.RunFailed {
		t.Errorf("run %s, want failed", s)
	}
}
