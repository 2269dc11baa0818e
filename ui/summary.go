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
)

// taskSum is what a run page shows of one task.
type taskSum struct {
	Step, ID string
	Attempt  int
	Status   datastore.AttemptStatus
	Start    time.Time
	End      time.Time // zero while running
	Done     bool      // DONE.json exists: the summary never changes again
	// Cloned is set for a task a resume copied from its origin run, whose
	// times are the origin's: it is not on this run's timeline. A task the
	// step cache copied is Cloned and Cached: it took no time.
	Cloned bool
	Cached bool
	// Earlier holds the attempts before the latest, for a retried task:
	// the timeline draws them beside it.
	Earlier []attemptSpan
	// Full says Attempt, Status, Start and End were read. Of a finished
	// task only its done marker's existence is checked until a page shows
	// more of it (see summaries.summary).
	Full bool
}

// Duration returns how long the task ran, or has been running; 0 when its
// start was not read.
func (t taskSum) Duration(now time.Time) time.Duration {
	if !t.Full {
		return 0
	}
	if t.End.IsZero() {
		return now.Sub(t.Start)
	}
	return t.End.Sub(t.Start)
}

// stepSum aggregates a step's tasks.
type stepSum struct {
	Name                  string
	Kind                  ir.Kind
	Tasks                 int
	Done, Running, Failed int
	Start, End            time.Time
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
	flow, run string
	Plan      *ir.Flow // nil when the plan cannot be read
	Tasks     []taskSum
	Steps     []stepSum // in graph order
	Start     time.Time
	End       time.Time
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
		if data, err := s.store.Backend().Get(ctx, datastore.PlanKey(flow, run)); err == nil {
			rc.plan, _ = ir.Decode(data)
		}
	}
	return rc.plan
}

// summary reads the state of every task of a run. Of a finished task it
// first only checks that its done marker exists (one stat on a local disk);
// its attempt, status, start and end are read where the page shows them:
// every task of a run of at most taskRows tasks (a timeline row each),
// every task of a step of at most tickLimit tasks (its ticks), and of a
// larger step the first and last few tasks by id, which start first and
// end last (the executor starts a step's ready tasks in id order), for the
// step's span; startsFor reads the tasks a page lists. A large run's first
// view so costs a stat per task instead of two reads.
func (s *summaries) summary(ctx context.Context, flow, run string) (*runSum, error) {
	rs := &runSum{Plan: s.plan(ctx, flow, run), flow: flow, run: run}
	steps, err := s.store.ListSteps(ctx, flow, run)
	if err != nil {
		return nil, err
	}
	steps = slices.DeleteFunc(steps, func(n string) bool { return strings.HasPrefix(n, "_") }) // _parameters, _plan
	for _, st := range steps {
		ids, err := s.store.ListTasks(ctx, flow, run, st)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			rs.Tasks = append(rs.Tasks, taskSum{Step: st, ID: id})
		}
	}
	rc := s.cache(flow, run)
	var todo []int
	rc.mu.Lock()
	for i, t := range rs.Tasks {
		if c, ok := rc.done[t.Step+"/"+t.ID]; ok {
			rs.Tasks[i] = c
		} else {
			todo = append(todo, i)
		}
	}
	rc.mu.Unlock()
	if err := s.read(ctx, rs, todo, false); err != nil {
		return nil, err
	}
	perStep := map[string]int{}
	for _, t := range rs.Tasks {
		perStep[t.Step]++
	}
	var starts []int
	seen := map[string]int{}
	for i, t := range rs.Tasks {
		seen[t.Step]++
		edge := seen[t.Step] <= readers || seen[t.Step] > perStep[t.Step]-readers
		if !t.Full && (len(rs.Tasks) <= taskRows || perStep[t.Step] <= tickLimit || edge) {
			starts = append(starts, i)
		}
	}
	if err := s.read(ctx, rs, starts, true); err != nil {
		return nil, err
	}
	rs.aggregate(steps)
	return rs, nil
}

// StartsFor reads the start of each of tasks (a page of rs.Tasks) that
// lacks it.
func (s *summaries) startsFor(ctx context.Context, rs *runSum, tasks []taskSum) error {
	var need []int
	sub := &runSum{flow: rs.flow, run: rs.run, Tasks: tasks}
	for i, t := range tasks {
		if !t.Full {
			need = append(need, i)
		}
	}
	return s.read(ctx, sub, need, true)
}

// read reads the tasks at the indices idx of rs.Tasks, with their starts
// when start is set, a few at once (on a local disk most of the time is
// system calls, on an object store round trips), and keeps the finished
// ones.
func (s *summaries) read(ctx context.Context, rs *runSum, idx []int, start bool) error {
	var wg sync.WaitGroup
	errs := make([]error, readers)
	for w := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < len(idx); k += readers {
				i := idx[k]
				t := rs.Tasks[i]
				t, err := s.readTask(ctx, datastore.TaskPath{Flow: rs.flow, Run: rs.run, Step: t.Step, Task: t.ID}, t, start)
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
		return err
	}
	rc := s.cache(rs.flow, rs.run)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, i := range idx {
		if t := rs.Tasks[i]; t.Done {
			rc.done[t.Step+"/"+t.ID] = t
		}
	}
	return nil
}

// readTask reads a task's state. Of a finished task (t.Done, or a done
// marker exists) it reads the done marker and the attempt it names only
// when full is set; of another it reads its latest started attempt. t is
// what is known already.
func (s *summaries) readTask(ctx context.Context, p datastore.TaskPath, t taskSum, full bool) (taskSum, error) {
	if t.Full {
		return t, nil
	}
	if !t.Done {
		ok, err := s.store.Backend().Exists(ctx, p.String()+"/DONE.json")
		if err != nil {
			return t, err
		}
		t.Done = ok
	}
	n := 0
	if t.Done {
		if !full {
			return t, nil
		}
		d, err := s.store.ReadDone(ctx, p)
		if err != nil {
			return t, err
		}
		n = d.Attempt
	} else {
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
	t.Attempt, t.Status, t.Start, t.End, t.Full = a.Attempt, datastore.AttemptStatus(knownStatus(a.Status)), a.Start, a.End, true
	t.Cloned, t.Cached = a.Origin != "", a.Cached
	for i := 0; i < n && !t.Cloned; i++ {
		e, err := s.store.ReadAttempt(ctx, p, i)
		if err != nil {
			continue // an attempt that never recorded itself
		}
		t.Earlier = append(t.Earlier, attemptSpan{Attempt: i, Status: datastore.AttemptStatus(knownStatus(e.Status)), Start: e.Start, End: e.End})
	}
	return t, nil
}

// attemptSpan is one earlier attempt of a retried task.
type attemptSpan struct {
	Attempt    int
	Status     datastore.AttemptStatus
	Start, End time.Time
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
		switch {
		case t.Done:
			st.Done++
		case t.Status == datastore.AttemptFailed, t.Status == datastore.AttemptKilled:
			st.Failed++
		default: // running, or between its final attempt and its done marker
			st.Running++
		}
		if t.Cloned { // its times are the origin run's
			continue
		}
		first := t.Start // its first attempt's, for a retried task
		if len(t.Earlier) > 0 && !t.Earlier[0].Start.IsZero() {
			first = t.Earlier[0].Start
		}
		if t.Full && (st.Start.IsZero() || first.Before(st.Start)) {
			st.Start = first
		}
		if t.End.After(st.End) {
			st.End = t.End
		}
		if t.Full && (rs.Start.IsZero() || first.Before(rs.Start)) {
			rs.Start = first
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
