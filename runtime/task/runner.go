package task

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/sched"
)

// Exit codes of the runner.
const (
	ExitOK      = 0
	ExitFailed  = 1                    // the step failed; the attempt is recorded
	ExitUsage   = 2                    // the runner was called wrongly
	ExitNoRetry = ir.RunnerExitNoRetry // the failure cannot be helped by a retry (Metaflow's code)
)

// runner runs one task.
type runner[F any] struct {
	fl    Flow[F]
	plan  *ir.Flow
	st    *ir.Step
	store *store
	args  stepArgs
	// noRetry marks a failure that a retry cannot help.
	noRetry bool
	// blobs caches small blobs this task read (see decode).
	blobsMu   sync.Mutex
	blobs     map[string][]byte
	blobBytes int
	// inherited maps each artifact the task started with to its blob.
	inherited map[string]datastore.Artifact
	// outputs is the directory for an engine's output files (--outputs).
	outputs string
	// logs captures the task's own output (--capture-logs).
	logs *capture
	// cards makes the step's cards (card.go); nil without //flow:card.
	cards *cardRun
}

// stepArgs are the runner's command-line arguments for one task.
type stepArgs struct {
	step       string
	runID      string
	taskID     string
	inputs     []sched.Ref
	splitIndex int
	retryCount int
	// caught, when set, is the failure of the previous attempt to record
	// as caught (a catch step whose process died), and caughtType its kind:
	// exit or timeout.
	caught, caughtType string
	// maxVisits, when above 0, is the most visits the engine can run of a
	// self-loop step (Argo: its recursion limit): a visit that would need
	// one more fails with a message that says so.
	maxVisits int
}

// runStep runs one attempt of one task and returns the exit code.
func (r *runner[F]) runStep(ctx context.Context) int {
	start := time.Now()
	att := &datastore.Attempt{Attempt: r.args.retryCount, Start: start, Status: datastore.AttemptRunning}
	for _, in := range r.args.inputs {
		att.InputPaths = append(att.InputPaths, r.plan.Name+"/"+r.args.runID+"/"+in.String())
	}
	// The attempt before this one, as recorded (nil for the first, or if
	// it left no record): read once for the checks below.
	var prev *datastore.Attempt
	if r.args.retryCount > 0 {
		if a, err := r.store.s.ReadAttempt(ctx, r.store.path(r.args.step, r.args.taskID), r.args.retryCount-1); err == nil {
			prev = &a
		}
		if r.args.caught != "" && noRetry(prev) {
			// flowc's executor neither retries nor catches such a
			// failure; an engine's --caught attempt leaves it failed.
			fmt.Fprintf(os.Stderr, "flowc runner: step %s failed in a way no retry can help; not caught\n", r.st.Name)
			return ExitNoRetry
		}
		r.closeDied(ctx, prev)
	}
	if err := r.store.WriteAttempt(ctx, r.args.step, r.args.taskID, att); err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: record attempt: %v\n", err)
		return ExitFailed
	}
	f := new(F)
	defer r.trace("task")()
	done := r.trace("load")
	stack, in, err := r.load(ctx, f)
	done()
	if err != nil {
		return r.fail(ctx, att, f, fmt.Errorf("load inputs: %w", err), ExitNoRetry)
	}
	att.ForeachStack = stack
	if r.args.caught != "" {
		died := r.died(prev)
		if r.st.Decorators.Catch == nil {
			return r.fail(ctx, att, f, died, ExitNoRetry)
		}
		return r.catch(ctx, att, f, died)
	}
	var frames []flow.Frame
	var input any
	for _, fr := range stack {
		frames = append(frames, flow.Frame{Step: fr.Step, Var: fr.Var, Index: fr.Index, Splits: fr.Splits})
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		if elem := r.fl.Foreach[top.Var]; elem != nil {
			input, _ = elem(f, top.Index)
		}
	}
	tctx, cancel := r.deadline(ctx)
	defer cancel()
	r.cards = r.startCards(ctx, att, f)
	defer r.cards.stop()
	info := flow.TaskInfo{
		Flow: r.plan.Name, RunID: r.args.runID, Step: r.args.step, TaskID: r.args.taskID,
		RetryCount: r.args.retryCount, Foreach: frames, Input: input,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)), Cards: r.cards.Set(),
	}
	r.identity(ctx, &info)
	c := flow.NewContext(tctx, info)
	done = r.trace("step")
	disarm := r.watch(ctx, att) // deadline.go: limits that hold without an executor
	next, err := r.call(f, c, in)
	disarm()
	done()
	if tctx.Err() != nil && errors.Is(context.Cause(tctx), errTimeout) {
		if err == nil {
			err = fmt.Errorf("step %s timed out after %s", r.st.Name, r.timeout())
		} else {
			err = fmt.Errorf("step %s timed out after %s: %w", r.st.Name, r.timeout(), err)
		}
	}
	if err != nil {
		return r.fail(ctx, att, f, err, ExitFailed)
	}
	r.setCaught(f, nil)
	res := result(next)
	if err := sched.Allowed(r.st, res); err != nil {
		return r.fail(ctx, att, f, err, ExitNoRetry)
	}
	if err := r.checkVisits(res); err != nil {
		return r.fail(ctx, att, f, err, ExitNoRetry)
	}
	if r.st.Kind == ir.KindForeach {
		if _, n := r.fl.Foreach[r.st.ForeachVar](f, -1); n != res.Splits {
			return r.fail(ctx, att, f, fmt.Errorf("flow.Foreach of %d items, but %s holds %d", res.Splits, r.st.ForeachVar, n), ExitNoRetry)
		}
	}
	return r.finish(ctx, att, f, res, datastore.AttemptOK, "")
}

// checkVisits fails a self-loop step that chose itself again when the
// engine cannot run another visit (--max-visits); the visit is the number
// after the task id's last ".".
func (r *runner[F]) checkVisits(res sched.Result) error {
	if r.args.maxVisits <= 0 || !slices.Contains(res.Next, r.st.Name) {
		return nil
	}
	i := strings.LastIndex(r.args.taskID, ".")
	k, err := strconv.Atoi(r.args.taskID[i+1:])
	if i < 0 || err != nil || k+1 < r.args.maxVisits {
		return nil
	}
	return fmt.Errorf("step %s chose itself again after %d visits, the most this engine runs of a self-loop (Argo's recursion limit; see docs/argo.md): loop inside the step, or split the loop", r.st.Name, k+1)
}

// errTimeout is the cause of a task context's cancellation at its timeout.
var errTimeout = errors.New("timeout")

// deadline returns the step's context: cancelled at the timeout, and when
// the runner is told to stop.
func (r *runner[F]) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	if t := r.timeout(); t > 0 {
		tctx, cancel := context.WithTimeoutCause(ctx, t, errTimeout)
		return tctx, func() { cancel(); stop() }
	}
	return ctx, stop
}

func (r *runner[F]) timeout() time.Duration {
	if t := r.st.Decorators.Timeout; t != nil {
		return time.Duration(t.Seconds) * time.Second
	}
	return 0
}

// call runs the step with panics turned into errors carrying the stack.
func (r *runner[F]) call(f *F, c *flow.Context, in flow.Inputs[F]) (next flow.Next, err error) {
	fn := r.fl.Steps[r.st.Name]
	if fn == nil {
		return nil, fmt.Errorf("the runner has no step %s; rebuild it", r.st.Name)
	}
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: string(debug.Stack())}
		}
	}()
	return fn(f, c, in)
}

// deathError is the failure of an attempt whose process died (kind "exit")
// or was killed at its timeout (kind "timeout"), as the executor saw it.
type deathError struct{ msg, kind string }

func (e *deathError) Error() string { return e.msg }

// noRetry reports whether attempt prev failed in a way no retry can help
// (finish recorded its exit code, ExitNoRetry).
func noRetry(prev *datastore.Attempt) bool {
	return prev != nil && prev.Status == datastore.AttemptFailed && prev.ExitCode != nil && *prev.ExitCode == ExitNoRetry
}

// closeDied records prev, the attempt before this one, failed when it is
// still recorded running: its process died without recording how it ended
// (a crash, os.Exit, a kill) and the engine started this attempt after it
// (Argo's retryStrategy, a STEP--caught pod). flowc's executor records
// such an attempt itself, with the exit status it saw; an engine's runner
// knows only that it died, or what --caught says.
func (r *runner[F]) closeDied(ctx context.Context, prev *datastore.Attempt) {
	if prev == nil || prev.Status != datastore.AttemptRunning {
		return
	}
	closed := *prev
	closed.End, closed.Status, closed.Error = time.Now(), datastore.AttemptFailed, r.args.caught
	if closed.Error == "" {
		closed.Error = "the task process died without recording how the attempt ended"
	}
	if err := r.store.s.WriteAttempt(ctx, r.store.path(r.args.step, r.args.taskID), closed); err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: record attempt %d: %v\n", closed.Attempt, err)
		return
	}
	*prev = closed
}

// died is the failure a --caught attempt records: what the engine saw
// (--caught, --caught-type), unless prev, the attempt before it, recorded
// how it ended, which says more. flowc's executor records the attempt it
// saw die with the message it passes; an engine that sees only a pod fail
// (Argo) learns here that the runner's watchdog killed the step at its
// timeout, and records the same failure as flowc run.
func (r *runner[F]) died(prev *datastore.Attempt) *deathError {
	d := &deathError{msg: r.args.caught, kind: r.args.caughtType}
	if prev == nil || prev.Error == "" || (prev.Status != datastore.AttemptFailed && prev.Status != datastore.AttemptKilled) {
		return d
	}
	d.msg = prev.Error
	if prev.Status == datastore.AttemptKilled && strings.Contains(prev.Error, "timed out") {
		d.kind = "timeout"
	}
	return d
}

// panicError is a step's panic, with the stack where it happened.
type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// result reads a returned transition.
func result(n flow.Next) sched.Result {
	t := flow.Inspect(n)
	return sched.Result{Next: t.Steps, Splits: t.Splits}
}

// fail records a failed attempt. On the last attempt of a step with catch,
// the failure is caught instead: the error goes to the catch var and the
// task succeeds with the step's static transition.
func (r *runner[F]) fail(ctx context.Context, att *datastore.Attempt, f *F, err error, code int) int {
	msg := err.Error()
	var pe *panicError
	if errors.As(err, &pe) {
		fmt.Fprintf(os.Stderr, "%s\n%s\n", msg, pe.stack)
	} else {
		fmt.Fprintf(os.Stderr, "step %s failed: %s\n", r.st.Name, msg)
	}
	if c := r.st.Decorators.Catch; c != nil && code != ExitNoRetry && r.args.retryCount >= maxUserRetries(r.st) {
		return r.catch(ctx, att, f, err)
	}
	att.Error = msg
	r.noRetry = code == ExitNoRetry
	r.finish(ctx, att, f, sched.Result{}, datastore.AttemptFailed, msg)
	return code
}

// catch stores the error in the catch var and finishes the task as caught.
func (r *runner[F]) catch(ctx context.Context, att *datastore.Attempt, f *F, err error) int {
	c := r.st.Decorators.Catch
	ce := &flow.CaughtError{Step: r.st.Name, Attempt: r.args.retryCount, Type: fmt.Sprintf("%T", err), Message: err.Error()}
	var pe *panicError
	var de *deathError
	switch {
	case errors.As(err, &pe):
		ce.Type, ce.Message, ce.Stack = fmt.Sprintf("%T", pe.value), fmt.Sprint(pe.value), pe.stack
	case errors.As(err, &de):
		// Recorded by a fallback attempt: the attempt that failed is the
		// one before it.
		ce.Type, ce.Attempt = de.kind, max(r.args.retryCount-1, 0)
	}
	r.setCaught(f, ce)
	if c.PrintException {
		fmt.Fprintf(os.Stderr, "flowc: caught the failure of step %s: %s\n", r.st.Name, ce.Message)
	}
	return r.finish(ctx, att, f, sched.Result{Next: slices.Clone(r.st.Next)}, datastore.AttemptCaught, ce.Message)
}

// maxUserRetries is how many times a failing step is retried.
func maxUserRetries(st *ir.Step) int {
	if st.Decorators.Retry != nil {
		return st.Decorators.Retry.Times
	}
	return 0
}

// finish saves the artifacts and the attempt, and marks the task done when
// the attempt succeeded (or was caught).
func (r *runner[F]) finish(ctx context.Context, att *datastore.Attempt, f *F, res sched.Result, status datastore.AttemptStatus, msg string) int {
	att.End = time.Now()
	att.Status = status
	if status != datastore.AttemptFailed {
		att.Transition = &datastore.Transition{Next: res.Next}
		if r.st.Kind == ir.KindForeach {
			att.Transition.Foreach = &datastore.ForeachSplit{Var: r.st.ForeachVar, Splits: res.Splits}
		}
	}
	if msg != "" {
		att.Error = msg
	}
	if status == datastore.AttemptFailed && r.noRetry {
		// What the runner exits with, recorded for an engine's --caught
		// attempt, which must not catch it (noRetry).
		code := ExitNoRetry
		att.ExitCode = &code
	}
	done := r.trace("save")
	arts, err := r.save(ctx, f)
	done()
	if err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: save artifacts of %s: %v\n", r.st.Name, err)
		att.Status, att.Error = datastore.AttemptFailed, "save artifacts: "+err.Error()
	} else if err := r.store.WriteArtifacts(ctx, r.args.step, r.args.taskID, att.Attempt, arts); err != nil {
		att.Status, att.Error = datastore.AttemptFailed, "save artifacts: "+err.Error()
	}
	if att.Status != datastore.AttemptFailed && att.Transition != nil && att.Transition.Foreach != nil {
		if err := writeForeachItems(ctx, r.store, r.args.step, r.args.taskID, att.ForeachStack, att.Transition.Foreach.Splits); err != nil {
			att.Status, att.Error = datastore.AttemptFailed, "save the foreach items: "+err.Error()
		}
	}
	r.cards.finish(ctx, att, arts)
	if r.logs != nil {
		if err := r.logs.store(ctx, r.store.s, r.store.path(r.args.step, r.args.taskID), att.Attempt); err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: store logs: %v\n", err)
		}
	}
	if err := r.store.WriteAttempt(ctx, r.args.step, r.args.taskID, att); err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: record attempt: %v\n", err)
		return ExitFailed
	}
	if att.Status == datastore.AttemptFailed {
		if r.noRetry {
			return ExitNoRetry
		}
		return ExitFailed
	}
	if err := r.store.MarkDone(ctx, r.args.step, r.args.taskID, att); err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: mark done: %v\n", err)
		return ExitFailed
	}
	if r.outputs != "" {
		if err := writeOutputs(r.outputs, att.Transition); err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: write outputs: %v\n", err)
			return ExitFailed
		}
	}
	return ExitOK
}

// finishedBefore reports whether the task finished already (its done
// marker, written only when an attempt succeeded); then it writes the
// outputs the engine reads from that attempt's transition, says so, and
// returns the code to exit with.
func (r *runner[F]) finishedBefore(ctx context.Context) (code int, done bool) {
	d, err := r.store.s.ReadDone(ctx, r.store.path(r.args.step, r.args.taskID))
	if err != nil {
		return 0, false
	}
	fmt.Fprintf(os.Stderr, "flowc runner: task %s/%s finished already (attempt %d succeeded): not run again\n", r.args.step, r.args.taskID, d.Attempt)
	if r.outputs != "" {
		if err := writeOutputs(r.outputs, d.Transition); err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: write outputs: %v\n", err)
			return ExitFailed, true
		}
	}
	return ExitOK, true
}

// failEarly records an attempt that failed before the step could start,
// with the error a retry cannot help.
func (r *runner[F]) failEarly(ctx context.Context, err error) int {
	att := &datastore.Attempt{Attempt: r.args.retryCount, Start: time.Now(), Status: datastore.AttemptRunning}
	f := new(F)
	r.noRetry = true
	fmt.Fprintf(os.Stderr, "step %s failed: %v\n", r.st.Name, err)
	att.Error = err.Error()
	r.finish(ctx, att, f, sched.Result{}, datastore.AttemptFailed, err.Error())
	return ExitNoRetry
}

// setCaught sets the step's catch var, if it has one.
func (r *runner[F]) setCaught(f *F, ce *flow.CaughtError) {
	c := r.st.Decorators.Catch
	if c == nil || c.Var == "" {
		return
	}
	for _, fd := range r.fl.Fields {
		if fd.Name == c.Var {
			if p, ok := fd.Ptr(f).(**flow.CaughtError); ok {
				*p = ce
			}
		}
	}
}

// trace times a phase of the task on stderr when FLOWC_TRACE is set: where
// a slow task spends its time, without a profiler.
func (r *runner[F]) trace(phase string) func() {
	if os.Getenv("FLOWC_TRACE") == "" {
		return func() {}
	}
	start := time.Now()
	return func() {
		fmt.Fprintf(os.Stderr, "flowc trace: %s %s: %s\n", r.st.Name, phase, time.Since(start).Round(100*time.Microsecond))
	}
}
