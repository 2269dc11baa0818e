package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/card"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/task"
)

// taskSum is what a run page shows of one task.
type taskSum struct {
	Step, ID string
	Attempt  int
	Status   datastore.AttemptStatus
	Start    time.Time
	End      time.Time // zero while running
	Done     bool      // DONE.json exists: the summary never changes again
}

// Duration returns how long the task ran, or has been running.
func (t taskSum) Duration(now time.Time) time.Duration {
	if t.End.IsZero() {
		return now.Sub(t.Start)
	}
	return t.End.Sub(t.Start)
}

// stepSum aggregates a step's tasks.
type stepSum struct {
	Name                         string
	Kind                         ir.Kind
	Tasks                        int
	Done, Running, Failed, Other int
	Start, End                   time.Time
}

// State is the step's colour in the graph.
func (s stepSum) State() string {
	switch {
	case s.Failed > 0:
		return card.StateFailed
	case s.Running > 0:
		return card.StateRunning
	case s.Tasks > 0 && s.Done == s.Tasks:
		return card.StateDone
	}
	return card.StatePending
}

// runSum is a run's summary: its plan, every task, per-step aggregates.
type runSum struct {
	Plan  *ir.Flow // nil when the plan cannot be read
	Tasks []taskSum
	Steps []stepSum // in graph order
	Start time.Time
	End   time.Time
}

// summaries reads run summaries, keeping finished tasks of recent runs.
type summaries struct {
	store *datastore.Store
	mu    sync.Mutex
	runs  map[string]*runCache // by Flow/run
	order []string             // least recently used first
}

// runCache holds what never changes of one run: its plan and its finished
// tasks.
type runCache struct {
	mu   sync.Mutex
	plan *ir.Flow
	done map[string]taskSum // by step/id
}

// cachedRuns bounds the runs whose finished tasks are kept.
const cachedRuns = 16

// readers bounds the concurrent datastore reads of one summary.
const readers = 16

func (s *summaries) cache(flow, run string) *runCache {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := flow + "/" + run
	if i := slices.Index(s.order, key); i >= 0 {
		s.order = append(slices.Delete(s.order, i, i+1), key)
		return s.runs[key]
	}
	if len(s.order) >= cachedRuns {
		delete(s.runs, s.order[0])
		s.order = s.order[1:]
	}
	rc := &runCache{done: map[string]taskSum{}}
	s.runs[key] = rc
	s.order = append(s.order, key)
	return rc
}

// plan reads and keeps a run's plan.
func (s *summaries) plan(ctx context.Context, flow, run string) *ir.Flow {
	rc := s.cache(flow, run)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.plan == nil {
		if data, err := s.store.Backend().Get(ctx, task.PlanKey(flow, run)); err == nil {
			rc.plan, _ = ir.Decode(data)
		}
	}
	return rc.plan
}

// summary reads the state of every task of a run.
func (s *summaries) summary(ctx context.Context, flow, run string) (*runSum, error) {
	rs := &runSum{Plan: s.plan(ctx, flow, run)}
	steps, err := s.store.ListSteps(ctx, flow, run)
	if err != nil {
		return nil, err
	}
	steps = slices.DeleteFunc(steps, func(n string) bool { return strings.HasPrefix(n, "_") }) // _parameters, _plan
	type ref struct{ step, id string }
	var refs []ref
	for _, st := range steps {
		ids, err := s.store.ListTasks(ctx, flow, run, st)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			refs = append(refs, ref{st, id})
		}
	}
	rc := s.cache(flow, run)
	rs.Tasks = make([]taskSum, len(refs))
	var todo []int
	rc.mu.Lock()
	for i, r := range refs {
		if t, ok := rc.done[r.step+"/"+r.id]; ok {
			rs.Tasks[i] = t
		} else {
			todo = append(todo, i)
		}
	}
	rc.mu.Unlock()
	// Read the rest with a few readers at once: on a local disk most of
	// the time is system calls, on an object store round trips.
	var wg sync.WaitGroup
	errs := make([]error, readers)
	for w := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < len(todo); k += readers {
				i := todo[k]
				t, err := s.readTask(ctx, datastore.TaskPath{Flow: flow, Run: run, Step: refs[i].step, Task: refs[i].id})
				if err != nil {
					errs[w] = err
					return
				}
				rs.Tasks[i] = t
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	rc.mu.Lock()
	for _, i := range todo {
		if t := rs.Tasks[i]; t.Done {
			rc.done[t.Step+"/"+t.ID] = t
		}
	}
	rc.mu.Unlock()
	rs.aggregate(steps)
	return rs, nil
}

// readTask reads a task's state: the attempt its done marker names, or
// its latest started attempt.
func (s *summaries) readTask(ctx context.Context, p datastore.TaskPath) (taskSum, error) {
	t := taskSum{Step: p.Step, ID: p.Task}
	n := -1
	d, err := s.store.ReadDone(ctx, p)
	switch {
	case err == nil:
		n, t.Done = d.Attempt, true
	case !errors.Is(err, datastore.ErrNotFound):
		return t, err
	default:
		ns, err := s.store.ListAttempts(ctx, p)
		if err != nil {
			return t, err
		}
		if len(ns) == 0 {
			t.Status = datastore.AttemptRunning
			return t, nil // the folder exists, the first attempt is being written
		}
		n = ns[len(ns)-1]
	}
	a, err := s.store.ReadAttempt(ctx, p, n)
	if err != nil {
		return t, err
	}
	t.Attempt, t.Status, t.Start, t.End = a.Attempt, a.Status, a.Start, a.End
	return t, nil
}

// aggregate fills Steps, in graph order when the plan is known.
func (rs *runSum) aggregate(names []string) {
	byName := map[string]*stepSum{}
	order := names
	if rs.Plan != nil {
		order = append([]string(nil), rs.Plan.Graph.Order...)
		for _, n := range names {
			if !slices.Contains(order, n) {
				order = append(order, n)
			}
		}
	}
	for _, n := range order {
		st := &stepSum{Name: n}
		if rs.Plan != nil {
			if ps := rs.Plan.Step(n); ps != nil {
				st.Kind = ps.Kind
			}
		}
		byName[n] = st
	}
	for _, t := range rs.Tasks {
		st := byName[t.Step]
		st.Tasks++
		switch t.Status {
		case datastore.AttemptOK, datastore.AttemptCaught:
			if t.Done {
				st.Done++
			} else {
				st.Other++
			}
		case datastore.AttemptRunning:
			st.Running++
		case datastore.AttemptFailed, datastore.AttemptKilled:
			st.Failed++
		default:
			st.Other++
		}
		if !t.Start.IsZero() && (st.Start.IsZero() || t.Start.Before(st.Start)) {
			st.Start = t.Start
		}
		if t.End.After(st.End) {
			st.End = t.End
		}
		if !t.Start.IsZero() && (rs.Start.IsZero() || t.Start.Before(rs.Start)) {
			rs.Start = t.Start
		}
		if t.End.After(rs.End) {
			rs.End = t.End
		}
	}
	rank := map[string]int{}
	for i, n := range order {
		rs.Steps = append(rs.Steps, *byName[n])
		rank[n] = i
	}
	// Tasks in graph order, by id within a step (as ListTasks gave them).
	slices.SortStableFunc(rs.Tasks, func(a, b taskSum) int { return rank[a.Step] - rank[b.Step] })
}

// states returns each step's colour for card.DAG.
func (rs *runSum) states() map[string]string {
	m := map[string]string{}
	for _, s := range rs.Steps {
		m[s.Name] = s.State()
	}
	return m
}
