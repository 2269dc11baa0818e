package exec

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/sched"
)

// Resume describes the run a new run resumes, as Metaflow's resume: every
// task of the origin that finished and is neither Step nor after it is
// cloned by reference (its documents copied, its blobs shared), and the rest
// run again, with the origin's parameters.
type Resume struct {
	OriginRunID string
	// Step is the step to run again with everything after it; empty means
	// only what did not finish.
	Step string
}

// prepareResume checks the origin and works out which steps must rerun.
func (e *executor) prepareResume(ctx context.Context) error {
	r := e.opts.Resume
	origin, err := e.store.ReadRun(ctx, e.plan.Name, r.OriginRunID)
	if err != nil {
		return fmt.Errorf("resume: no run %s/%s: %w", e.plan.Name, r.OriginRunID, err)
	}
	if since, stale := e.store.Stale(ctx, origin, time.Now()); stale {
		// Its executor is gone: record how it ended, so that it does not
		// show as running forever.
		origin.Status, origin.End = datastore.RunFailed, since
		err := e.store.UpdateRun(ctx, e.plan.Name, origin.RunID, func(r *datastore.Run) error {
			r.Status, r.End = origin.Status, origin.End
			return nil
		})
		if err != nil {
			return fmt.Errorf("resume: record stale run %s/%s as failed: %w", e.plan.Name, origin.RunID, err)
		}
		e.out.printf("Run %s/%s was %s; recorded as failed", e.plan.Name, origin.RunID, datastore.StaleText(since))
	}
	if l, ok := e.store.Backend().(*datastore.Local); ok {
		// What the origin's killed writers left behind.
		_, _, _ = l.RemoveTemp(ctx, e.plan.Name+"/"+origin.RunID)
	}
	e.originRun = &origin
	e.rerun = map[string]bool{}
	if r.Step == "" {
		return nil
	}
	if e.plan.Step(r.Step) == nil {
		return fmt.Errorf("resume: flow %s has no step %s", e.plan.Name, r.Step)
	}
	queue := []string{r.Step}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if e.rerun[n] {
			continue
		}
		e.rerun[n] = true
		queue = append(queue, e.plan.Step(n).Next...)
	}
	return nil
}

// clone copies a finished task of the origin run into this run and returns
// its finishing attempt; nil when the task must run.
func (e *executor) clone(ctx context.Context, t *sched.Task) (*datastore.Attempt, error) {
	if e.originRun == nil || e.rerun[t.Step] {
		return nil, nil
	}
	from := datastore.TaskPath{Flow: e.plan.Name, Run: e.originRun.RunID, Step: t.Step, Task: t.ID}
	return e.copyTask(ctx, from, e.path(t), nil)
}

// copyTask copies a task's finishing attempt, artifact index and done
// marker; nil when the origin task did not finish. change, when not nil,
// changes the attempt before it is written, and may refuse the copy by
// returning false.
func (e *executor) copyTask(ctx context.Context, from, to datastore.TaskPath, change func(d datastore.Done, a *datastore.Attempt, arts map[string]datastore.Artifact) (bool, error)) (*datastore.Attempt, error) {
	d, err := e.store.ReadDone(ctx, from)
	if errors.Is(err, datastore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a, err := e.store.ReadAttempt(ctx, from, d.Attempt)
	if err != nil {
		return nil, err
	}
	arts, err := e.store.ReadArtifacts(ctx, from, d.Attempt)
	if err != nil {
		return nil, err
	}
	a.Origin, a.Cached = from.String(), false
	for i, p := range a.InputPaths {
		if in, err := datastore.ParseTaskPath(p); err == nil && in.Run == from.Run {
			in.Run = to.Run
			a.InputPaths[i] = in.String()
		}
	}
	done := datastore.Done{Attempt: d.Attempt, Status: d.Status, Time: d.Time}
	if change != nil {
		ok, err := change(d, &a, arts)
		if err != nil || !ok {
			return nil, err
		}
		done.Time, done.Transition = a.End, a.Transition
	}
	if err := e.store.WriteArtifacts(ctx, to, d.Attempt, arts); err != nil {
		return nil, err
	}
	if err := e.store.WriteAttempt(ctx, to, a); err != nil {
		return nil, err
	}
	if err := e.store.MarkDone(ctx, to, done); err != nil {
		return nil, err
	}
	return &a, nil
}

// cloneParams copies the origin's parameters task: a resumed run keeps the
// parameters and configs of the run it resumes.
func (e *executor) cloneParams(ctx context.Context) error {
	p := func(run string) datastore.TaskPath {
		return datastore.TaskPath{Flow: e.plan.Name, Run: run, Step: datastore.ParamsStep, Task: datastore.ParamsTask}
	}
	a, err := e.copyTask(ctx, p(e.originRun.RunID), p(e.runID), nil)
	if err == nil && a == nil {
		err = fmt.Errorf("resume: run %s/%s never recorded its parameters", e.plan.Name, e.originRun.RunID)
	}
	return err
}
