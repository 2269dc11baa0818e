package exec_test

import (
	"errors"
	osexec "os/exec"
	"slices"
	"testing"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/task"
)

// TestEngineTimeoutCaught: on an engine that sees only that a step's pod
// failed (Argo), the runner's own watchdog kills a step deaf to its
// timeout and records the attempt killed; the --caught attempt the engine
// then starts (backends/argo's STEP--caught pod) must catch the failure as
// flowc run does: a timeout, with the message of the attempt that was
// killed, not the engine's guess.
func TestEngineTimeoutCaught(t *testing.T) {
	e := newEngine(t, "testdata/hangcatch", "argo-hangcatch")
	e.task("Start", "0")
	if _, ok := e.try("Stuck", "0"); ok {
		t.Fatal("Stuck finished its sleep of 300 s")
	}
	e.command("step", "Stuck", "--task-id", "0", "--retry-count", "auto",
		"--caught", "the step's pod failed on its last attempt (Argo: Failed)", "--caught-type", "exit")
	c, err := client.Open(e.root)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Namespace(client.Global).Flow(e.plan.Name).Run(e.run)
	if err != nil {
		t.Fatal(err)
	}
	stuck, err := run.Step("Stuck").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	var failure *flow.CaughtError
	if err := stuck.Artifact("Failure", &failure); err != nil {
		t.Fatal(err)
	}
	// What flowc run's Failure holds (TestTimeoutCaught).
	want := flow.CaughtError{Step: "Stuck", Attempt: 0, Type: "timeout", Message: "step Stuck timed out after 1s and was killed"}
	if failure == nil || *failure != want {
		t.Errorf("Failure = %+v, want %+v", failure, want)
	}
}

// TestEngineCrashCaught: on an engine, a step whose process dies (os.Exit)
// records nothing of how its attempt ended; the attempt the engine starts
// next (a retry, then the --caught one) records it failed, so that no
// attempt stays "running" after the task finished, as with flowc run.
func TestEngineCrashCaught(t *testing.T) {
	e := newEngine(t, "testdata/crash", "argo-crash")
	e.task("Start", "0")
	if _, ok := e.try("Boom", "0"); ok {
		t.Fatal("Boom did not crash")
	}
	const died = "the step's pod failed on its last attempt (Argo: Failed)"
	e.command("step", "Boom", "--task-id", "0", "--retry-count", "auto", "--caught", died, "--caught-type", "exit")
	// Argo may run the --caught pod again after it recorded the catch (its
	// wait container erred): nothing more is recorded.
	e.command("step", "Boom", "--task-id", "0", "--retry-count", "auto", "--caught", died, "--caught-type", "exit")
	c, err := client.Open(e.root)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Namespace(client.Global).Flow(e.plan.Name).Run(e.run)
	if err != nil {
		t.Fatal(err)
	}
	boom, err := run.Step("Boom").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	want := []datastore.AttemptStatus{datastore.AttemptFailed, datastore.AttemptFailed, datastore.AttemptCaught}
	var got []datastore.AttemptStatus
	for _, n := range boom.Attempts() {
		a, err := boom.AtAttempt(n)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a.Status())
		if a.Error() == nil || a.End().IsZero() {
			t.Errorf("Boom attempt %d: %s with error %v, ended %v; want an error and an end", n, a.Status(), a.Error(), a.End())
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Boom's attempts %v, want %v", got, want)
	}
	var failure *flow.CaughtError
	if err := boom.Artifact("Failure", &failure); err != nil {
		t.Fatal(err)
	}
	if failure == nil || failure.Step != "Boom" || failure.Attempt != 1 || failure.Type != "exit" || failure.Message != died {
		t.Errorf("Failure = %+v, want Boom's exit on attempt 1: %s", failure, died)
	}
}

// TestEngineNoRetryNotCaught: a step under retry and catch that fails in a
// way no retry can help (it returns a transition its plan does not allow)
// exits with ExitNoRetry and records so; the --caught attempt an engine
// starts after it (Argo's STEP--caught pod) must not catch it, as flowc
// run does not: it exits with ExitNoRetry too and records nothing.
func TestEngineNoRetryNotCaught(t *testing.T) {
	e := newEngine(t, "../../internal/argoe2e/testdata/noretry", "argo-noretry")
	e.task("Start", "0")
	run := func(args ...string) int {
		t.Helper()
		cmd := osexec.Command(e.runner, append(args, "--run-id", e.run, "--task-id", "0", "--datastore-root", e.root, "--retry-count", "auto")...)
		out, err := cmd.CombinedOutput()
		var ee *osexec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		t.Logf("runner %v: %v\n%s", args, err, out)
		return cmd.ProcessState.ExitCode()
	}
	if code := run("step", "Lost"); code != task.ExitNoRetry {
		t.Fatalf("Lost exited %d, want %d", code, task.ExitNoRetry)
	}
	if code := run("step", "Lost", "--caught", "the step's pod failed on its last attempt (Argo: Failed)", "--caught-type", "exit"); code != task.ExitNoRetry {
		t.Errorf("Lost's --caught attempt exited %d, want %d", code, task.ExitNoRetry)
	}
	c, err := client.Open(e.root)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := c.Namespace(client.Global).Flow(e.plan.Name).Run(e.run)
	if err != nil {
		t.Fatal(err)
	}
	lost, err := cr.Step("Lost").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	if got := lost.Attempts(); !slices.Equal(got, []int{0}) || lost.Status() != datastore.AttemptFailed || lost.Finished() {
		t.Errorf("Lost: attempts %v, %s, finished %v; want only attempt 0, failed, not finished", got, lost.Status(), lost.Finished())
	}
}
