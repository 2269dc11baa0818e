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

	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// With FLOWC_TAMPER_RUNNER set, the test binary is a task runner for
// run.mjs: it runs the real runner (FLOWC_TAMPER_RUNNER) with its
// arguments, then, when the task is of step FLOWC_TAMPER_STEP, spoils what
// it wrote as FLOWC_TAMPER_MODE says: "transition" makes DONE.json name a
// step the plan does not have, "notransition" removes its transition (a
// Choice on a path that is not there: States.Runtime, which no Catch
// sees), "items" deletes foreach.json. This is how
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
	case "transition", "notransition":
		path := filepath.Join(dir, "DONE.json")
		data, err := os.ReadFile(path)
		var doc map[string]any
		if err != nil || json.Unmarshal(data, &doc) != nil {
			return 99
		}
		doc["transition"] = map[string]any{"next": []string{"Nowhere"}}
		if os.Getenv("FLOWC_TAMPER_MODE") == "notransition" {
			delete(doc, "transition")
		}
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
	t.Setenv("FLOWC_TAMPER_ROOT", root)
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

// TestUncaughtFailureRecorded: an execution that fails with an error no
// Catch sees (States.Runtime: here a Choice on a path the DONE.json it
// read lacks; on AWS also the 25,000-event history limit) ends FAILED
// with its run still running. The rule MACHINE-ended matches its FAILED
// status change event, as Step Functions sends it (the execution's name,
// status and input), and starts the state machine with the input its
// InputTransformer makes, which records the run failed; the event of that
// execution itself, were it to fail, is not matched (its input begins
// with {"flowc:end-run"), so a failing end-run cannot loop. No EventBridge
// runs here: the pattern's two fields are compared as EventBridge's
// "status" list and "anything-but prefix" say, and the transformer's
// template filled by the test.
func TestUncaughtFailureRecorded(t *testing.T) {
	ex, status := tamperedRun(t, "conditional", "Assess", "notransition")
	// aws-local-stepfunctions names the error ExecutionError where Step
	// Functions says States.Runtime; either way no Catch ran.
	if ex.Status != "FAILED" || !strings.Contains(ex.Cause, "does not point to a value") || slices.Contains(ex.Events, "StateEntered:flowc.failed") {
		t.Fatalf("execution %s %s: %s\nevents %v\nwant FAILED on the missing path, no Catch", ex.Status, ex.Error, ex.Cause, ex.Events)
	}
	if status != datastore.RunRunning {
		t.Fatalf("run status %s after the uncaught failure, want running (the rule records it)", status)
	}
	f, _ := loadExample(t, "conditional")
	files := compileFiles(t, "conditional", e2eOptions)
	var rules []stepfunctions.Rule
	if err := json.Unmarshal(files[".rules.json"], &rules); err != nil {
		t.Fatal(err)
	}
	ended := rules[0]
	var pattern struct {
		Detail struct {
			Status []string
			Input  []struct {
				AnythingBut struct{ Prefix string } `json:"anything-but"`
			}
		}
	}
	if err := json.Unmarshal([]byte(ended.EventPattern), &pattern); err != nil || len(pattern.Detail.Input) != 1 {
		t.Fatalf("rule %s pattern %s: %v", ended.Name, ended.EventPattern, err)
	}
	matches := func(status, input string) bool {
		return slices.Contains(pattern.Detail.Status, status) && !strings.HasPrefix(input, pattern.Detail.Input[0].AnythingBut.Prefix)
	}
	if !matches("FAILED", "{}") {
		t.Fatalf("rule %s does not match the FAILED execution: %s", ended.Name, ended.EventPattern)
	}
	it := ended.Target.InputTransformer
	runName, _ := json.Marshal("sfn-tamper-notransition")
	input := strings.Replace(it.InputTemplate, "<run>", string(runName), 1)
	if it.InputPathsMap["run"] != "$.detail.name" {
		t.Fatalf("transformer %+v", it)
	}
	if matches("FAILED", input) || matches("TIMED_OUT", input) {
		t.Errorf("rule %s matches its own execution's failure (input %s): it could loop", ended.Name, input)
	}
	// The execution the rule starts.
	node := needNode(t)
	_, dir := loadExample(t, "conditional")
	bundle := compileBundle(t, f, dir, e2eOptions)
	r, err := build.Build(context.Background(), dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var in map[string]any
	if err := json.Unmarshal([]byte(input), &in); err != nil {
		t.Fatal(err)
	}
	root := os.Getenv("FLOWC_TAMPER_ROOT")
	ex = execute(t, node, bundle, r.Path, root, "failed-cleanup", in)
	if ex.Status != "SUCCEEDED" {
		t.Fatalf("end-run execution %s %s: %s", ex.Status, ex.Error, ex.Cause)
	}
	c, _ := client.Open(root)
	run, err := c.Namespace(client.Global).Flow(f.Name).Run("sfn-tamper-notransition")
	if err != nil || run.Status() != datastore.RunFailed {
		t.Errorf("run after the rule's execution: %v %v, want failed", run.Status(), err)
	}
}
