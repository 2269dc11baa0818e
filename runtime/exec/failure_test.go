package exec_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// The tests in this file run the small flows under testdata that fail in
// one way or another, and read what the runs left through the client API.

// timedEvent is an executor event and when it came.
type timedEvent struct {
	at time.Time
	exec.Event
}

// recorder is an exec.Observer that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []timedEvent
}

func (r *recorder) Event(ev exec.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, timedEvent{time.Now(), ev})
}

// find returns the events of a kind for a step, in order.
func (r *recorder) find(kind exec.EventKind, step string) []timedEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []timedEvent
	for _, ev := range r.events {
		if ev.Kind == kind && ev.Step == step {
			out = append(out, ev)
		}
	}
	return out
}

// firstStart is when the first task started: after the runner was built.
func (r *recorder) firstStart() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.events {
		if ev.Kind == exec.Started {
			return ev.at
		}
	}
	return time.Time{}
}

// flowRun is one run of a test flow.
type flowRun struct {
	res  *exec.Result
	obs  *recorder
	out  *bytes.Buffer
	end  time.Time // when exec.Run returned
	run  *client.Run
	name string
}

// runTestFlow runs testdata/name into root. opts, when not nil, changes the
// options first.
func runTestFlow(t *testing.T, name, root string, opts func(*exec.Options)) *flowRun {
	t.Helper()
	dir := filepath.Join("testdata", name)
	f := mustPlan(t, dir)
	fr := &flowRun{obs: &recorder{}, out: &bytes.Buffer{}, name: f.Name}
	o := exec.Options{Plan: f, PkgDir: dir, Root: root, Out: fr.out, Observer: fr.obs}
	if opts != nil {
		opts(&o)
	}
	var err error
	fr.res, err = exec.Run(context.Background(), o)
	fr.end = time.Now()
	if err != nil {
		t.Fatalf("run %s: %v\n%s", name, err, fr.out)
	}
	t.Logf("%s: %s in %v (%v; failed %q)", name, fr.res.Status, fr.end.Sub(fr.obs.firstStart()).Round(time.Millisecond), fr.res.Err, fr.res.Failed)
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if fr.run, err = c.Namespace(client.Global).Flow(f.Name).Run(fr.res.RunID); err != nil {
		t.Fatal(err)
	}
	if want := fr.res.Status; fr.run.Status() != want {
		t.Errorf("the run document says %s, the result %s", fr.run.Status(), want)
	}
	return fr
}

// wantStatus fails the test unless the run ended with status.
func (fr *flowRun) wantStatus(t *testing.T, status datastore.RunStatus) {
	t.Helper()
	if fr.res.Status != status {
		t.Fatalf("run %s, want %s: %v (failed %s)\n%s", fr.res.Status, status, fr.res.Err, fr.res.Failed, fr.out)
	}
}

// task returns task 0 of step.
func (fr *flowRun) task(t *testing.T, step string) *client.Task {
	t.Helper()
	tk, err := fr.run.Step(step).Task("0")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// pathspec returns the pathspec of task 0 of step.
func (fr *flowRun) pathspec(step string) string {
	return fr.name + "/" + fr.res.RunID + "/" + step + "/0"
}

// noTasks fails the test unless step has no task.
func (fr *flowRun) noTasks(t *testing.T, step string) {
	t.Helper()
	if tasks, err := fr.run.Step(step).Tasks(); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("step %s has tasks %d, %v; want none", step, len(tasks), err)
	}
}

// attempt returns attempt n of a task.
func attempt(t *testing.T, tk *client.Task, n int) *client.Task {
	t.Helper()
	a, err := tk.AtAttempt(n)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// errorText returns the message of a task's error, "" when it has none.
func errorText(tk *client.Task) string {
	var te *client.TaskError
	if err := tk.Error(); errors.As(err, &te) {
		return te.Message
	}
	return ""
}

// TestCrashCaught: a caught step whose process exits with status 3 on every
// attempt. The retries run, then the failure is caught: the run succeeds,
// and Failure says the process exited.
func TestCrashCaught(t *testing.T) {
	fr := runTestFlow(t, "crash", t.TempDir(), nil)
	fr.wantStatus(t, datastore.RunSucceeded)
	boom := fr.task(t, "Boom")
	if !boom.Finished() || boom.Successful() || boom.Status() != datastore.AttemptCaught {
		t.Errorf("Boom: finished %v, successful %v, status %s", boom.Finished(), boom.Successful(), boom.Status())
	}
	// Attempts 0 and 1 ran the step (retry times=1); 2 recorded the catch.
	if got := boom.Attempts(); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("Boom attempts %v, want [0 1 2]", got)
	}
	for n := range 2 {
		a := attempt(t, boom, n)
		if a.Status() != datastore.AttemptFailed || !strings.Contains(errorText(a), "exit status 3") {
			t.Errorf("Boom attempt %d: %s, %q; want failed with exit status 3", n, a.Status(), errorText(a))
		}
		if log, err := a.Stdout(); err != nil || !strings.Contains(log, "crashing on attempt") {
			t.Errorf("Boom attempt %d stdout %q, %v", n, log, err)
		}
	}
	var failure *flow.CaughtError
	if err := boom.Artifact("Failure", &failure); err != nil {
		t.Fatal(err)
	}
	if failure == nil || failure.Step != "Boom" || !strings.Contains(failure.Message, "exit") || !strings.Contains(failure.Message, "3") {
		t.Fatalf("Failure = %+v, want a message about exit status 3", failure)
	}
	if te := errorText(boom); !strings.Contains(te, "exit status 3") {
		t.Errorf("Boom error %q", te)
	}
	end := fr.task(t, "End")
	var reached bool
	var inherited *flow.CaughtError
	if err := end.Artifact("Reached", &reached); err != nil || !reached {
		t.Errorf("End: Reached %v, %v", reached, err)
	}
	if err := end.Artifact("Failure", &inherited); err != nil || inherited == nil || inherited.Message != failure.Message {
		t.Errorf("End: Failure %+v, %v; want Boom's", inherited, err)
	}
	// flow.CaughtError documents Attempt as the attempt that failed and
	// Type as "exit" for a crashed process.
	if failure.Attempt != 1 || failure.Type != "exit" {
		t.Errorf("Failure of a crashed process is %+v; want Attempt 1 (the last attempt that ran) and Type \"exit\"", *failure)
	}
}

// TestTimeoutKilled: a step deaf to its context, with a 1 s timeout and one
// retry. Both attempts are killed, and the run fails soon after.
func TestTimeoutKilled(t *testing.T) {
	t.Parallel()
	fr := runTestFlow(t, "hang", t.TempDir(), nil)
	fr.wantStatus(t, datastore.RunFailed)
	// Each attempt costs the 1 s timeout, the executor's 2 s wait before it
	// stops the runner, and up to 5 s between SIGTERM and SIGKILL: the
	// runner takes SIGTERM as one more cancellation of a context the step
	// ignores. Two such attempts and the runner starts fit in 20 s, with
	// some room for a busy machine.
	if took := fr.end.Sub(fr.obs.firstStart()); took > 2*time.Minute {
		t.Errorf("the run took %v after its first task started, want under 20s", took)
	}
	if fr.res.Failed != fr.pathspec("Stuck") || fr.res.Err == nil || !strings.Contains(fr.res.Err.Error(), "timed out") {
		t.Errorf("Failed %q, Err %v", fr.res.Failed, fr.res.Err)
	}
	stuck := fr.task(t, "Stuck")
	if stuck.Finished() || !slices.Equal(stuck.Attempts(), []int{0, 1}) {
		t.Errorf("Stuck: finished %v, attempts %v", stuck.Finished(), stuck.Attempts())
	}
	for n := range 2 {
		a := attempt(t, stuck, n)
		if a.Status() != datastore.AttemptKilled || !strings.Contains(errorText(a), "timed out") {
			t.Errorf("Stuck attempt %d: %s, %q; want killed, timed out", n, a.Status(), errorText(a))
		}
		var done bool
		if err := a.Artifact("Done", &done); err == nil && done {
			t.Errorf("Stuck attempt %d finished its sleep", n)
		}
	}
	// Each attempt ends at the timeout plus the executor's grace periods,
	// not after the step's five minutes.
	starts := fr.obs.find(exec.Started, "Stuck")
	if len(starts) != 2 {
		t.Fatalf("Stuck started %d times, want 2", len(starts))
	}
	if d := starts[1].at.Sub(starts[0].at); d > time.Minute || d < time.Second {
		t.Errorf("attempt 0 of Stuck took %v, want between 1s and 10s", d)
	}
	fr.noTasks(t, "End")
}

// TestTimeoutCaught: the same deaf step under catch. The killed attempt is
// caught and the run goes on.
func TestTimeoutCaught(t *testing.T) {
	t.Parallel()
	fr := runTestFlow(t, "hangcatch", t.TempDir(), nil)
	fr.wantStatus(t, datastore.RunSucceeded)
	if took := fr.end.Sub(fr.obs.firstStart()); took > 2*time.Minute {
		t.Errorf("the run took %v after its first task started, want under 15s", took)
	}
	stuck := fr.task(t, "Stuck")
	if !stuck.Finished() || stuck.Successful() || stuck.Status() != datastore.AttemptCaught {
		t.Errorf("Stuck: finished %v, successful %v, status %s", stuck.Finished(), stuck.Successful(), stuck.Status())
	}
	if a := attempt(t, stuck, 0); a.Status() != datastore.AttemptKilled || !strings.Contains(errorText(a), "timed out") {
		t.Errorf("Stuck attempt 0: %s, %q; want killed, timed out", a.Status(), errorText(a))
	}
	var failure *flow.CaughtError
	if err := stuck.Artifact("Failure", &failure); err != nil {
		t.Fatal(err)
	}
	if failure == nil || failure.Step != "Stuck" || !strings.Contains(failure.Message, "timed out") {
		t.Errorf("Failure = %+v, want a timeout", failure)
	}
	var done bool
	if err := stuck.Artifact("Done", &done); err == nil && done {
		t.Error("Stuck finished its sleep")
	}
	end := fr.task(t, "End")
	var inherited *flow.CaughtError
	if err := end.Artifact("Failure", &inherited); err != nil || inherited == nil {
		t.Errorf("End: Failure %+v, %v", inherited, err)
	}
	if failure != nil && (failure.Attempt != 0 || failure.Type != "timeout") {
		t.Errorf("Failure.Attempt is %d, the caught bookkeeping attempt, not 0, the attempt that timed out: %+v", failure.Attempt, *failure)
	}
}

// TestTimeoutContext: a step that stops when c.Context() is done fails its
// attempt at the timeout, by itself, before the executor would kill it.
func TestTimeoutContext(t *testing.T) {
	fr := runTestFlow(t, "ctxtimeout", t.TempDir(), nil)
	fr.wantStatus(t, datastore.RunFailed)
	if fr.res.Failed != fr.pathspec("Wait") {
		t.Errorf("Failed %q", fr.res.Failed)
	}
	if took := fr.end.Sub(fr.obs.firstStart()); took > time.Minute {
		t.Errorf("the run took %v after its first task started, want a few seconds", took)
	}
	if fails := fr.obs.find(exec.Failed, "Wait"); len(fails) != 1 || fails[0].Elapsed > time.Minute || fails[0].Elapsed < time.Second {
		t.Errorf("Wait failed events %+v; want one, between 1s and 5s after it started", fails)
	}
	wait := fr.task(t, "Wait")
	// Failed, not killed: the runner recorded the attempt itself.
	if wait.Status() != datastore.AttemptFailed || !strings.Contains(errorText(wait), "context deadline exceeded") {
		t.Errorf("Wait: %s, %q; want failed with the step's error", wait.Status(), errorText(wait))
	}
	if log, err := wait.Stderr(); err != nil || !strings.Contains(log, "step Wait failed") {
		t.Errorf("Wait stderr %q, %v", log, err)
	}
	if msg := errorText(wait); !strings.Contains(msg, "timed out") {
		t.Errorf("the error of a step that stopped at its timeout does not say it timed out: %q", msg)
	}
}

// TestPanic: a panicking step fails the run; its stderr holds the panic
// value and the goroutine stack.
func TestPanic(t *testing.T) {
	fr := runTestFlow(t, "panicky", t.TempDir(), nil)
	fr.wantStatus(t, datastore.RunFailed)
	if fr.res.Failed != fr.pathspec("Explode") {
		t.Errorf("Failed %q, want %q", fr.res.Failed, fr.pathspec("Explode"))
	}
	if fr.res.Err == nil || !strings.Contains(fr.res.Err.Error(), "kaboom 7") {
		t.Errorf("Err %v", fr.res.Err)
	}
	ex := fr.task(t, "Explode")
	if ex.Finished() || ex.Status() != datastore.AttemptFailed || !slices.Equal(ex.Attempts(), []int{0}) {
		t.Errorf("Explode: finished %v, status %s, attempts %v", ex.Finished(), ex.Status(), ex.Attempts())
	}
	if msg := errorText(ex); msg != "panic: kaboom 7" {
		t.Errorf("Explode error %q, want %q", msg, "panic: kaboom 7")
	}
	log, err := ex.Stderr()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"panic: kaboom 7", "goroutine ", "[running]", "(*Panicky).Explode", "panicky/flow.go:"} {
		if !strings.Contains(log, want) {
			t.Errorf("Explode stderr lacks %q:\n%s", want, log)
		}
	}
	fr.noTasks(t, "End")
}

// TestMaxNumSplits: a foreach wider than MaxNumSplits fails the run with a
// message naming --max-num-splits; one exactly as wide runs.
func TestMaxNumSplits(t *testing.T) {
	root := t.TempDir()
	fr := runTestFlow(t, "wide", root, func(o *exec.Options) { o.MaxNumSplits = 4 })
	fr.wantStatus(t, datastore.RunFailed)
	if fr.res.Failed != fr.pathspec("Start") {
		t.Errorf("Failed %q, want %q", fr.res.Failed, fr.pathspec("Start"))
	}
	if fr.res.Err == nil || !strings.Contains(fr.res.Err.Error(), "--max-num-splits") || !strings.Contains(fr.res.Err.Error(), "5") {
		t.Errorf("Err %v; want it to name --max-num-splits and the 5 splits", fr.res.Err)
	}
	fr.noTasks(t, "Each")
	if start := fr.task(t, "Start"); !start.Successful() {
		t.Errorf("Start: successful %v, %v; the step itself succeeded", start.Successful(), start.Error())
	}

	// A resume under the same limit clones Start, and must fail the same
	// way rather than start the five tasks.
	again := runTestFlow(t, "wide", root, func(o *exec.Options) {
		o.MaxNumSplits = 4
		o.Resume = &exec.Resume{OriginRunID: fr.res.RunID}
	})
	resumeOK := again.res.Status == datastore.RunFailed && again.res.Err != nil && strings.Contains(again.res.Err.Error(), "--max-num-splits")

	ok := runTestFlow(t, "wide", root, func(o *exec.Options) { o.MaxNumSplits = 5 })
	ok.wantStatus(t, datastore.RunSucceeded)
	var sum int
	if err := ok.task(t, "End").Artifact("Sum", &sum); err != nil || sum != 55 {
		t.Errorf("Sum %d, %v; want 55", sum, err)
	}
	if !resumeOK {
		n, _ := again.run.Step("Each").Tasks()
		t.Errorf("a resume with --max-num-splits 4 of a run that failed on a foreach of 5 ended %s (%v) and ran %d Each tasks: the limit is not checked for a cloned task",
			again.res.Status, again.res.Err, len(n))
	}
}

// TestFailureStopsRun: when one branch fails, the other, asleep and deaf to
// its context, is stopped and the run ends in seconds.
func TestFailureStopsRun(t *testing.T) {
	t.Parallel()
	fr := runTestFlow(t, "stoparm", t.TempDir(), nil)
	fr.wantStatus(t, datastore.RunFailed)
	if took := fr.end.Sub(fr.obs.firstStart()); took > 2*time.Minute {
		t.Errorf("the run took %v after its first task started, want under 10s", took)
	}
	if fr.res.Failed != fr.pathspec("Fail") || fr.res.Err == nil || !strings.Contains(fr.res.Err.Error(), "this arm fails") {
		t.Errorf("Failed %q, Err %v", fr.res.Failed, fr.res.Err)
	}
	if fail := fr.task(t, "Fail"); fail.Status() != datastore.AttemptFailed || errorText(fail) != "this arm fails" {
		t.Errorf("Fail: %s, %q", fail.Status(), errorText(fail))
	}
	sleep := fr.task(t, "Sleep")
	if sleep.Finished() || sleep.Status() != datastore.AttemptKilled || !strings.Contains(errorText(sleep), "stopped") {
		t.Errorf("Sleep: finished %v, %s, %q; want killed, stopped", sleep.Finished(), sleep.Status(), errorText(sleep))
	}
	fr.noTasks(t, "Join")
	fr.noTasks(t, "End")
}

// TestRetrySucceeds: a step failing on attempts 0 and 1 with retry times=2
// succeeds on attempt 2, which sees c.RetryCount() == 2.
func TestRetrySucceeds(t *testing.T) {
	fr := runTestFlow(t, "flaky", t.TempDir(), nil)
	fr.wantStatus(t, datastore.RunSucceeded)
	try := fr.task(t, "Try")
	if !try.Successful() || try.Attempt() != 2 || !slices.Equal(try.Attempts(), []int{0, 1, 2}) || try.Error() != nil {
		t.Errorf("Try: successful %v, attempt %d of %v, error %v", try.Successful(), try.Attempt(), try.Attempts(), try.Error())
	}
	for n := range 2 {
		a := attempt(t, try, n)
		if want := "flaky failure on attempt " + string(rune('0'+n)); a.Status() != datastore.AttemptFailed || errorText(a) != want {
			t.Errorf("Try attempt %d: %s, %q; want failed, %q", n, a.Status(), errorText(a), want)
		}
	}
	if got := len(fr.obs.find(exec.Retrying, "Try")); got != 2 {
		t.Errorf("%d Retrying events for Try, want 2", got)
	}
	for _, step := range []string{"Try", "End"} {
		var retries int
		if err := fr.task(t, step).Artifact("Retries", &retries); err != nil || retries != 2 {
			t.Errorf("%s: Retries %d, %v; want 2", step, retries, err)
		}
	}
}
