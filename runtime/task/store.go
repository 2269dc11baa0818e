package task

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// DefaultRoot is the local datastore root when none is given.
const DefaultRoot = datastore.DefaultRoot

// PlanKey is the key of a run's plan: the runner of every task reads the
// flow's graph and directives from it.
func PlanKey(flow, run string) string { return flow + "/" + run + "/_plan.json" }

// WritePlan stores a run's plan.
func WritePlan(ctx context.Context, s *datastore.Store, run string, f *ir.Flow) error {
	data, err := ir.Encode(f)
	if err != nil {
		return err
	}
	return s.Backend().Put(ctx, PlanKey(f.Name, run), data)
}

// store is the datastore seen from one run.
type store struct {
	s         *datastore.Store
	flow, run string
}

func openStore(ctx context.Context, root, flow, run string) (*store, error) {
	s, err := datastore.OpenLocal(root)
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
	data, err := st.s.Backend().Get(ctx, PlanKey(st.flow, st.run))
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
	return st.s.MarkDone(ctx, st.path(step, task), datastore.Done{Attempt: a.Attempt, Status: a.Status, Time: a.End})
}

var _ = json.Marshal
