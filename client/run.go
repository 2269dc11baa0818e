package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// Run is one run of a flow, as its run document said when it was read.
type Run struct {
	c   *Client
	doc datastore.Run

	planOnce sync.Once
	plan     *ir.Flow // nil when the run's plan cannot be read
}

// ID returns the run id.
func (r *Run) ID() string { return r.doc.RunID }

// Pathspec returns "Flow/Run".
func (r *Run) Pathspec() string { return r.doc.Flow + "/" + r.doc.RunID }

// User returns the name of the user who started the run.
func (r *Run) User() string { return r.doc.User }

// Status returns the run's state: running, succeeded or failed. A run whose
// scheduler died stays running.
func (r *Run) Status() datastore.RunStatus { return r.doc.Status }

// Stale reports whether the run is recorded as running but its executor
// is gone (killed, or its machine crashed), and since when: the time of its
// last heartbeat. Nothing will finish a stale run; resume it.
func (r *Run) Stale() (since time.Time, stale bool) {
	return r.c.store.Stale(r.c.ctx, r.doc, time.Now())
}

// StatusText is the run's status as a listing shows it: its status, or
// "stale (executor gone since ...)" for a stale run.
func (r *Run) StatusText() string {
	if since, stale := r.Stale(); stale {
		return datastore.StaleText(since)
	}
	return string(r.doc.Status)
}

// Successful reports whether the run succeeded.
func (r *Run) Successful() bool { return r.doc.Status == datastore.RunSucceeded }

// Finished reports whether the run has ended, successfully or not.
func (r *Run) Finished() bool { return r.doc.Status != datastore.RunRunning }

// Start returns when the run started.
func (r *Run) Start() time.Time { return r.doc.Start }

// End returns when the run ended, the zero time while it runs.
func (r *Run) End() time.Time { return r.doc.End }

// Duration returns how long the run took, or while it runs how long it
// has been running.
func (r *Run) Duration() time.Duration {
	if r.doc.End.IsZero() {
		return time.Since(r.doc.Start)
	}
	return r.doc.End.Sub(r.doc.Start)
}

// Tags returns the run's user tags: those given with flowc run --tag or
// added later. Metaflow's tags also hold the system tags; here they are
// apart, in SystemTags.
func (r *Run) Tags() []string { return slices.Clone(r.doc.Tags) }

// SystemTags returns the tags flowc gave the run: "user:NAME",
// "runtime:local", ... They cannot be removed.
func (r *Run) SystemTags() []string { return slices.Clone(r.doc.SystemTags) }

// OriginRunID returns the id of the run this one resumed, "" for a fresh
// run.
func (r *Run) OriginRunID() string { return r.doc.OriginRunID }

// Project returns the run's project and branch, from its system tags
// project:NAME and project_branch:BRANCH; "", "" for a run outside any
// project.
func (r *Run) Project() (name, branch string) {
	for _, t := range r.doc.SystemTags {
		if v, ok := strings.CutPrefix(t, "project:"); ok {
			name = v
		} else if v, ok := strings.CutPrefix(t, "project_branch:"); ok {
			branch = v
		}
	}
	return name, branch
}

// IsProduction reports whether the run is on a production branch (its
// system tag production).
func (r *Run) IsProduction() bool { return slices.Contains(r.doc.SystemTags, "production") }

// Trigger returns what started a deployed run (an event, or another
// flow's run), nil for a run started by hand.
func (r *Run) Trigger() *flow.Trigger {
	if len(r.doc.Trigger) == 0 {
		return nil
	}
	var t flow.Trigger
	if json.Unmarshal(r.doc.Trigger, &t) != nil {
		return nil
	}
	// The run document is indented: the payload as it came, compact.
	var b bytes.Buffer
	if json.Compact(&b, t.Payload) == nil {
		t.Payload = b.Bytes()
	}
	return &t
}

// With returns the --with directives the run was started with, as written
// (DIRECTIVE[:attr=value,...]); nil when there were none.
func (r *Run) With() []string { return r.doc.With }

// Step returns the run's step name. It reads nothing: a step without
// tasks shows up as an error of its methods.
func (r *Run) Step(name string) *Step { return &Step{run: r, name: name} }

// Steps returns the steps of the run that have tasks, in the flow's graph
// order (each after its predecessors), without the _parameters pseudo step.
func (r *Run) Steps() ([]*Step, error) {
	names, err := r.c.store.ListSteps(r.c.ctx, r.doc.Flow, r.doc.RunID)
	if err != nil {
		return nil, fmt.Errorf("steps of run %s: %w", r.Pathspec(), err)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return strings.HasPrefix(n, "_") })
	rank := map[string]int{}
	if p := r.readPlan(); p != nil {
		for i, n := range p.Graph.Order {
			rank[n] = i + 1
		}
	}
	// Steps the plan does not know (there is none in a run flowc wrote)
	// go last, by name.
	slices.SortStableFunc(names, func(a, b string) int {
		ra, rb := rank[a], rank[b]
		switch {
		case ra == 0 && rb == 0:
			return strings.Compare(a, b)
		case ra == 0:
			return 1
		case rb == 0:
			return -1
		}
		return ra - rb
	})
	steps := make([]*Step, len(names))
	for i, n := range names {
		steps[i] = r.Step(n)
	}
	return steps, nil
}

// EndTask returns the task of the flow's End step, an error matching
// ErrNotFound when it has not run.
func (r *Run) EndTask() (*Task, error) {
	end := "End"
	if p := r.readPlan(); p != nil && p.Graph.End != "" {
		end = p.Graph.End
	}
	tasks, err := r.Step(end).Tasks()
	if err != nil {
		return nil, fmt.Errorf("end task of run %s (%s): %w", r.Pathspec(), r.doc.Status, err)
	}
	return tasks[0], nil
}

// readPlan reads the run's plan once; nil when it cannot be read (a run of
// another flowc version), and then the client falls back on defaults.
func (r *Run) readPlan() *ir.Flow {
	r.planOnce.Do(func() {
		data, err := r.c.store.Backend().Get(r.c.ctx, datastore.PlanKey(r.doc.Flow, r.doc.RunID))
		if err != nil {
			return
		}
		r.plan, _ = ir.Decode(data)
	})
	return r.plan
}

// paramsTask returns the _parameters pseudo task, which holds the run's
// parameters and configs as artifacts.
func (r *Run) paramsTask() (*Task, error) {
	return r.Step(datastore.ParamsStep).Task(datastore.ParamsTask)
}

// values decodes, without Go types, the artifacts of the parameters task
// that keep says are wanted.
func (r *Run) values(keep func(field string) bool) (map[string]any, error) {
	t, err := r.paramsTask()
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, name := range t.Artifacts() {
		if !keep(name) {
			continue
		}
		v, err := t.ArtifactAny(name)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}

// Parameters returns the run's parameter values by field name (which is
// also their artifact name), decoded without Go types as
// Task.ArtifactAny does. Parameters without a value (no default, not
// given) are absent. For a run whose plan cannot be read (a run of another
// flowc version), every value of the parameters task counts as a
// parameter, configs included.
func (r *Run) Parameters() (map[string]any, error) {
	return r.values(r.isParam)
}

// Configs returns the run's config values by field name, decoded without
// Go types.
func (r *Run) Configs() (map[string]any, error) {
	return r.values(func(field string) bool {
		p := r.readPlan()
		return p != nil && slices.ContainsFunc(p.Configs, func(c ir.Config) bool { return c.Field == field })
	})
}

// isParam reports whether a field of the parameters task is a parameter;
// without a plan, every field counts as one.
func (r *Run) isParam(field string) bool {
	p := r.readPlan()
	return p == nil || slices.ContainsFunc(p.Params, func(pa ir.Param) bool { return pa.Field == field })
}

// Parameter decodes the value of the parameter name (its field name or its
// CLI name) into v, a pointer to a variable of the parameter's type.
func (r *Run) Parameter(name string, v any) error {
	t, err := r.paramsTask()
	if err != nil {
		return err
	}
	field := name
	if p := r.readPlan(); p != nil {
		for _, pa := range p.Params {
			if pa.Name == name {
				field = pa.Field
			}
		}
	}
	if _, ok := t.arts[field]; !ok || !r.isParam(field) {
		var names []string
		for n := range maps.Keys(t.arts) {
			if r.isParam(n) {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		return notFoundf("run %s has no parameter %s (its parameters: %s)", r.Pathspec(), name, list(names))
	}
	return t.Artifact(field, v)
}

// list renders names for a message.
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
