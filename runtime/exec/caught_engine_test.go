package exec_test

import (
	"context"
	"testing"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/runtime/build"
)

// TestEngineTimeoutCaught: on an engine that sees only that a step's pod
// failed (Argo), the runner's own watchdog kills a step deaf to its
// timeout and records the attempt killed; the --caught attempt the engine
// then starts (backends/argo's STEP--caught pod) must catch the failure as
// flowc run does: a timeout, with the message of the attempt that was
// killed, not the engine's guess.
func TestEngineTimeoutCaught(t *testing.T) {
	ctx := context.Background()
	dir := "testdata/hangcatch"
	f := mustPlan(t, dir)
	r, err := build.Build(ctx, dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := &engine{t: t, runner: r.Path, root: t.TempDir(), run: "argo-hangcatch", plan: f}
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
	run, err := c.Namespace(client.Global).Flow(f.Name).Run(e.run)
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
