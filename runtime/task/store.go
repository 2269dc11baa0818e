package task

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// DefaultRoot is the local datastore root when none is given.
const DefaultRoot = datastore.DefaultRoot

// stepPlan is the document at datastore.StepPlanKey.
type stepPlan struct {
	Flow  string `json:"flow"`
	Start string `json:"start"`
	// Steps holds the step first, then its predecessors and the split it
	// closes.
	Steps []*ir.Step `json:"steps"`
}

// WritePlan stores a run's plan, whole and per step.
func WritePlan(ctx context.Context, s *datastore.Store, run string, f *ir.Flow) error {
	data, err := ir.Encode(f)
	if err != nil {
		return err
	}
	if err := s.Backend().Put(ctx, datastore.PlanKey(f.Name, run), data); err != nil {
		return err
	}
	closes := map[string]*ir.Step{}
	for _, st := range f.Steps {
		if st.MatchingJoin != "" {
			closes[st.MatchingJoin] = st
		}
	}
	for _, st := range f.Steps {
		sp := stepPlan{Flow: f.Name, Start: f.Graph.Start, Steps: []*ir.Step{st}}
		for _, p := range st.Prev {
			if ps := f.Step(p); ps != nil {
				sp.Steps = append(sp.Steps, ps)
			}
		}
		if split := closes[st.Name]; split != nil {
			sp.Steps = append(sp.Steps, split)
		}
		doc, err := json.Marshal(sp)
		if err != nil {
			return err
		}
		if err := s.Backend().Put(ctx, datastore.StepPlanKey(f.Name, run, st.Name), doc); err != nil {
			return err
		}
	}
	return nil
}

// store is the datastore seen from one run.
type store struct {
	s         *datastore.Store
	flow, run string
}

func openStore(ctx context.Context, root, flow, run string) (*store, error) {
	s, err := datastore.Open(ctx, root)
	if err != nil {
		return nil, err
	}
	return &store{s: s, flow: flow, run: run}, nil
}

func (st *store) path(step, task string) datastore.TaskPath {
	return datastore.TaskPath{Flow: st.flow, Run: st.run, Step: step, Task: task}
}

// ReadPlan reads the run's plan.
func (st *store) ReadPlan(ctx context.Context) (*ir.Flow, error) {
	data, err := st.s.Backend().Get(ctx, datastore.PlanKey(st.flow, st.run))
	if err != nil {
		return nil, fmt.Errorf("read the plan of run %s/%s: %w", st.flow, st.run, err)
	}
	return ir.Decode(data)
}

// ReadDone returns the attempt that finished a task.
func (st *store) ReadDone(ctx context.Context, step, task string) (*datastore.Attempt, error) {
	p := st.path(step, task)
	d, err := st.s.ReadDone(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("task %s is not done: %w", p, err)
	}
	a, err := st.s.ReadAttempt(ctx, p, d.Attempt)
	return &a, err
}

// ReadDoneOnly is ReadDone from the done marker alone: the attempt's
// number, status, end and transition, without its foreach stack or input
// paths.
func (st *store) ReadDoneOnly(ctx context.Context, step, task string) (*datastore.Attempt, error) {
	p := st.path(step, task)
	d, err := st.s.ReadDone(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("task %s is not done: %w", p, err)
	}
	return &datastore.Attempt{Attempt: d.Attempt, Status: d.Status, End: d.Time, Transition: d.Transition}, nil
}

func (st *store) ReadArtifacts(ctx context.Context, step, task string, attempt int) (map[string]datastore.Artifact, error) {
	return st.s.ReadArtifacts(ctx, st.path(step, task), attempt)
}

func (st *store) WriteArtifacts(ctx context.Context, step, task string, attempt int, arts map[string]datastore.Artifact) error {
	return st.s.WriteArtifacts(ctx, st.path(step, task), attempt, arts)
}

func (st *store) WriteAttempt(ctx context.Context, step, task string, a *datastore.Attempt) error {
	return st.s.WriteAttempt(ctx, st.path(step, task), *a)
}

func (st *store) MarkDone(ctx context.Context, step, task string, a *datastore.Attempt) error {
	return st.s.MarkDone(ctx, st.path(step, task), datastore.Done{Attempt: a.Attempt, Status: a.Status, Time: a.End, Transition: a.Transition})
}

// ReadStepPlan reads the part of the plan that a task of step needs, as a
// flow holding just those steps; the whole plan where the run has no
// per-step documents.
func (st *store) ReadStepPlan(ctx context.Context, step string) (*ir.Flow, error) {
	data, err := st.s.Backend().Get(ctx, datastore.StepPlanKey(st.flow, st.run, step))
	if errors.Is(err, datastore.ErrNotFound) {
		return st.ReadPlan(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("read the plan of step %s of run %s/%s: %w", step, st.flow, st.run, err)
	}
	var sp stepPlan
	if err := json.Unmarshal(data, &sp); err != nil {
		return nil, fmt.Errorf("read the plan of step %s of run %s/%s: %w", step, st.flow, st.run, err)
	}
	return &ir.Flow{Name: sp.Flow, Steps: sp.Steps, Graph: ir.Graph{Start: sp.Start}}, nil
}
