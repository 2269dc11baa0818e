package main

// Following a run that an orchestrator runs (flowc trigger TARGET --wait):
// the tasks' progress comes from the datastore the pods write, shown with
// flowc run's display, and the end of the run from the orchestrator's own
// view of it, which also covers a run that failed before any task could
// write (an image that cannot be pulled, a pod never scheduled).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// engineState is the orchestrator's view of a run (an Argo Workflow's
// phase, a Step Functions execution's status).
type engineState struct {
	// Over reports that the run ended, its exit handler included.
	Over bool
	// Failed reports that it ended in failure; Reason is the
	// orchestrator's message then.
	Failed bool
	Reason string
}

// followEvery is the time between two looks at a followed run, and
// followTries how many looks in a row may fail before following stops.
var (
	followEvery = 2 * time.Second
	followTries = 5
)

// sleep waits d, or returns ctx's cause when it ends first.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-time.After(d):
		return nil
	}
}

// follower follows one run of a flow.
type follower struct {
	flow  *ir.Flow
	store *datastore.Store
	runID string
	// every is the time between two looks; 0 means followEvery.
	every time.Duration
	// engine returns the orchestrator's view of the run.
	engine func(ctx context.Context) (engineState, error)
	// tasks holds what was last shown of each task, by pathspec.
	tasks map[string]*followedTask
}

// followedTask is a task as the display last showed it.
type followedTask struct {
	step    string
	attempt int
	state   datastore.AttemptStatus // running, ok, caught, failed
	final   bool                    // nothing will change it again
	err     string
	elapsed time.Duration // how long its attempt ran, once it ended
}

// follow shows the run's progress on out until the orchestrator says it
// is over, then prints how it ended as flowc run does: a line on out when
// it succeeded, and on errw the task that failed, its error and how to
// see its log, returning errReported (exit 1), when it did not.
func (fo *follower) follow(ctx context.Context, out, errw io.Writer) error {
	fo.tasks = map[string]*followedTask{}
	prog := newProgress(out, fo.flow)
	every := fo.every
	if every <= 0 {
		every = followEvery
	}
	var st engineState
	for failures := 0; ; {
		var err error
		if st, err = fo.engine(ctx); err != nil {
			// A long run outlives an API server's hiccups: give up after
			// several failed looks in a row, not the first.
			if failures++; failures >= followTries {
				prog.Close()
				return fmt.Errorf("follow run %s/%s (it goes on): %w", fo.flow.Name, fo.runID, err)
			}
			if err := sleep(ctx, every); err != nil {
				prog.Close()
				return err
			}
			continue
		}
		failures = 0
		// After the engine says the run is over, one last look sees
		// what its last tasks wrote.
		if err := fo.look(ctx, prog, st.Over); err != nil {
			prog.Close()
			return err
		}
		if st.Over {
			break
		}
		if err := sleep(ctx, every); err != nil {
			prog.Close()
			return fmt.Errorf("stopped following run %s/%s, which goes on: %w", fo.flow.Name, fo.runID, err)
		}
	}
	prog.Close()
	return fo.report(ctx, out, errw, st)
}

// look reads the run's tasks from the datastore and tells the display of
// each change. Tasks already final are not read again. When over, a
// failed attempt is the task's last.
func (fo *follower) look(ctx context.Context, obs exec.Observer, over bool) error {
	steps, err := fo.store.ListSteps(ctx, fo.flow.Name, fo.runID)
	if err != nil && !errors.Is(err, datastore.ErrNotFound) {
		return fmt.Errorf("follow run %s/%s: %w", fo.flow.Name, fo.runID, err)
	}
	for _, step := range steps {
		s := fo.flow.Step(step)
		if s == nil {
			continue // the parameters' pseudo-step
		}
		ids, err := fo.store.ListTasks(ctx, fo.flow.Name, fo.runID, step)
		if err != nil {
			return fmt.Errorf("follow run %s/%s: %w", fo.flow.Name, fo.runID, err)
		}
		for _, id := range ids {
			tp := datastore.TaskPath{Flow: fo.flow.Name, Run: fo.runID, Step: step, Task: id}
			if t := fo.tasks[tp.String()]; t != nil && t.final {
				continue
			}
			now, err := fo.read(ctx, tp, retries(s), over)
			if err != nil || now == nil {
				return err
			}
			fo.show(obs, tp.String(), now)
		}
	}
	return nil
}

// retries is how many times a failed attempt of s is run again.
func retries(s *ir.Step) int {
	if r := s.Decorators.Retry; r != nil {
		return r.Times
	}
	return 0
}

// read returns the task's state now, or nil when it has no attempt yet.
func (fo *follower) read(ctx context.Context, tp datastore.TaskPath, retries int, over bool) (*followedTask, error) {
	t := &followedTask{step: tp.Step}
	if d, err := fo.store.ReadDone(ctx, tp); err == nil {
		t.attempt, t.state, t.final = d.Attempt, d.Status, true
		// Its attempt says how long it ran (the display's own clock
		// would say how long between two looks).
		if a, err := fo.store.ReadAttempt(ctx, tp, d.Attempt); err == nil && !a.End.IsZero() {
			t.elapsed = a.End.Sub(a.Start)
		}
		return t, nil
	} else if !errors.Is(err, datastore.ErrNotFound) {
		return nil, fmt.Errorf("follow task %s: %w", tp, err)
	}
	atts, err := fo.store.ListAttempts(ctx, tp)
	if err != nil || len(atts) == 0 {
		return nil, err
	}
	a, err := fo.store.ReadAttempt(ctx, tp, atts[len(atts)-1])
	if err != nil {
		return nil, fmt.Errorf("follow task %s: %w", tp, err)
	}
	t.attempt, t.state, t.err = a.Attempt, a.Status, a.Error
	if !a.End.IsZero() {
		t.elapsed = a.End.Sub(a.Start)
	}
	if a.Status == datastore.AttemptKilled {
		t.state = datastore.AttemptFailed
	}
	// A failed attempt that is not the last is retried: the task still
	// runs, as far as the display goes.
	if t.state == datastore.AttemptFailed && a.Attempt < retries && !over {
		t.state = datastore.AttemptRunning
	}
	t.final = t.state == datastore.AttemptFailed
	if over && t.state == datastore.AttemptRunning {
		t.state, t.final = datastore.AttemptFailed, true // its pod is gone
	}
	return t, nil
}

// show tells the display how the task moved since it last looked.
func (fo *follower) show(obs exec.Observer, pathspec string, now *followedTask) {
	was := fo.tasks[pathspec]
	fo.tasks[pathspec] = now
	ev := exec.Event{Step: now.step, Pathspec: pathspec, Attempt: now.attempt, Elapsed: now.elapsed}
	if was == nil {
		obs.Event(exec.Event{Kind: exec.Queued, Step: now.step, Pathspec: pathspec})
		ev.Kind, ev.Attempt = exec.Started, 0
		obs.Event(ev)
		ev.Attempt = now.attempt
	}
	switch {
	case now.state == datastore.AttemptOK || now.state == datastore.AttemptCaught:
		ev.Kind = exec.Finished
	case now.state == datastore.AttemptFailed:
		ev.Kind, ev.Err = exec.Failed, errors.New(now.err)
	case was != nil && was.attempt != now.attempt:
		ev.Kind = exec.Retrying
	default:
		return
	}
	obs.Event(ev)
}

// report prints how the run ended and returns errReported when it did
// not succeed. The datastore's run record says how the flow ended; the
// orchestrator's view covers a run whose record was never finished.
func (fo *follower) report(ctx context.Context, out, errw io.Writer, st engineState) error {
	run, err := fo.store.ReadRun(ctx, fo.flow.Name, fo.runID)
	recorded := err == nil
	if err != nil && !errors.Is(err, datastore.ErrNotFound) {
		return fmt.Errorf("read run %s/%s: %w", fo.flow.Name, fo.runID, err)
	}
	done := 0
	for _, t := range fo.tasks {
		if t.state == datastore.AttemptOK || t.state == datastore.AttemptCaught {
			done++
		}
	}
	took := ""
	if recorded && !run.End.IsZero() {
		took = run.End.Sub(run.Start).Round(time.Millisecond).String()
	}
	if !st.Failed && recorded && run.Status == datastore.RunSucceeded {
		fmt.Fprintf(out, "Run %s/%s succeeded%s (%d tasks).\n", fo.flow.Name, fo.runID, prefixed(" in ", took), done)
		return nil
	}
	fmt.Fprintf(errw, "Run %s/%s failed%s.\n", fo.flow.Name, fo.runID, prefixed(" after ", took))
	if p, t := fo.failedTask(); t != nil {
		fmt.Fprintf(errw, "  step:  %s\n  task:  %s\n  error: %s\n  log:   flowc logs %s --stderr\n", t.step, p, orNone(t.err), p)
	} else if !recorded {
		fmt.Fprintf(errw, "  no task of the run wrote to the datastore\n")
	}
	if st.Reason != "" {
		fmt.Fprintf(errw, "  engine: %s\n", st.Reason)
	}
	return errReported
}

// failedTask returns the first failed task in the flow's step order.
func (fo *follower) failedTask() (string, *followedTask) {
	for _, step := range fo.flow.Graph.Order {
		best := ""
		for p, t := range fo.tasks {
			if t.step == step && t.state == datastore.AttemptFailed && (best == "" || p < best) {
				best = p
			}
		}
		if best != "" {
			return best, fo.tasks[best]
		}
	}
	return "", nil
}

// prefixed is p+s, or "" when s is.
func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

func orNone(s string) string {
	if s == "" {
		return "no error message recorded (the pod may have been killed)"
	}
	return s
}
