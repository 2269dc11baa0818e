package flowtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
	"github.com/flowc-dev/flowc/runtime/secrets"
)

// Options say how to run the flow. The zero value runs the flow of the
// test's own package with its defaults.
type Options struct {
	// Dir is the flow's package directory; default "." (go test runs a
	// test in its package's directory).
	Dir string
	// Params sets parameters, by field name or CLI name, to Go values
	// (encoded as JSON, as the CLI's typed values are); the others take
	// their defaults.
	Params map[string]any
	// Configs replaces config files, by config name, as --config
	// NAME=PATH does (a path relative to the test's directory).
	Configs map[string]string
	// Secrets are the secrets of //flow:secrets, by source then key. A
	// source the flow names and Secrets lacks fails the run.
	Secrets map[string]map[string]string
	// Root is the datastore; default a new t.TempDir().
	Root string
	// MaxWorkers bounds the tasks run at once; default 16.
	MaxWorkers int
	// AllowFailure returns a failed run instead of failing the test.
	AllowFailure bool
	// NoCache runs every task of a //flow:cache step.
	NoCache bool
}

// Result is a finished run.
type Result[F any] struct {
	// RunID is the run's id, and Root the datastore it is in: open it
	// with package client to look further.
	RunID, Root string
	// Status is succeeded or failed; for a failed run, Failed is the
	// pathspec of the task that failed it and Err why.
	Status datastore.RunStatus
	Failed string
	Err    error
	// Output is what the run printed: each task's output, prefixed with
	// its pathspec.
	Output string

	t     testing.TB
	flow  string
	store *datastore.Store
	plan  *ir.Flow
}

// Run runs the flow of type F (its name selects the flow in the package)
// and returns its result. A flow with diagnostics, a runner that does not
// build, or a failed run (unless AllowFailure) fails the test.
func Run[F any](t testing.TB, opts Options) *Result[F] {
	t.Helper()
	name := reflect.TypeFor[F]().Name()
	if opts.Dir == "" {
		opts.Dir = "."
	}
	if opts.Root == "" {
		opts.Root = t.TempDir()
	}
	pkg, diags := check.Load(opts.Dir, parser.Options{Configs: opts.Configs})
	if len(diags) > 0 {
		t.Fatalf("flowtest: flow %s does not check:\n%s", name, diags)
	}
	plan, err := check.Select(pkg, name)
	if err != nil {
		t.Fatalf("flowtest: %v", err)
	}
	params, err := paramValues(plan, opts.Params)
	if err != nil {
		t.Fatalf("flowtest: flow %s: %v", name, err)
	}
	var out bytes.Buffer
	eo := exec.Options{Plan: plan, PkgDir: opts.Dir, Root: opts.Root, Params: params, MaxWorkers: opts.MaxWorkers,
		Out: &out, NoCache: opts.NoCache, Secrets: secrets.Static(opts.Secrets)}
	if opts.Secrets == nil {
		eo.Secrets = secrets.Static{}
	}
	res, err := exec.Run(t.Context(), eo)
	if err != nil {
		t.Fatalf("flowtest: run %s: %v\n%s", name, err, out.String())
	}
	st, err := datastore.OpenLocal(opts.Root)
	if err != nil {
		t.Fatalf("flowtest: %v", err)
	}
	r := &Result[F]{RunID: res.RunID, Root: opts.Root, Status: res.Status, Failed: res.Failed, Err: res.Err,
		Output: out.String(), t: t, flow: plan.Name, store: st, plan: plan}
	if res.Status != datastore.RunSucceeded && !opts.AllowFailure {
		t.Fatalf("flowtest: run %s/%s failed: task %s: %v\n%s", plan.Name, res.RunID, res.Failed, res.Err, r.Output)
	}
	return r
}

// paramValues encodes the parameters given, by field or CLI name, as the
// executor takes them: typed JSON by field name.
func paramValues(f *ir.Flow, given map[string]any) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for key, v := range given {
		i := slices.IndexFunc(f.Params, func(p ir.Param) bool { return p.Field == key || p.Name == key })
		if i < 0 {
			var names []string
			for _, p := range f.Params {
				names = append(names, p.Field)
			}
			return nil, fmt.Errorf("no parameter %s (parameters: %s)", key, strings.Join(names, ", "))
		}
		data, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", key, err)
		}
		out[f.Params[i].Field] = data
	}
	return out, nil
}

// Succeeded reports whether the run succeeded.
func (r *Result[F]) Succeeded() bool { return r.Status == datastore.RunSucceeded }

// Task returns the artifacts of step's only task, with the run's
// parameters and configs, as a *F: each field holds what the task had
// after it ran (a field the task did not have is left zero). A step with
// no finished task, or several, fails the test.
func (r *Result[F]) Task(step string) *F {
	r.t.Helper()
	ids := r.taskIDs(step)
	if len(ids) != 1 {
		r.t.Fatalf("flowtest: step %s has %d finished tasks (%s), want 1; use Tasks", step, len(ids), strings.Join(ids, ", "))
	}
	return r.load(step, ids[0])
}

// Tasks returns the artifacts of each finished task of step, in task id
// order (a foreach's tasks by index).
func (r *Result[F]) Tasks(step string) []*F {
	r.t.Helper()
	var out []*F
	for _, id := range r.taskIDs(step) {
		out = append(out, r.load(step, id))
	}
	return out
}

// TaskID returns the artifacts of task id of step ("0", "2" for element 2
// of a foreach, "1-0" inside a nested foreach).
func (r *Result[F]) TaskID(step, id string) *F {
	r.t.Helper()
	return r.load(step, id)
}

// Stdout returns what task id of step printed on its standard output, in
// the attempt that finished it.
func (r *Result[F]) Stdout(step, id string) string {
	r.t.Helper()
	p := datastore.TaskPath{Flow: r.flow, Run: r.RunID, Step: step, Task: id}
	d, err := r.store.ReadDone(context.Background(), p)
	if err != nil {
		r.t.Fatalf("flowtest: task %s: %v", p, err)
	}
	rc, err := r.store.OpenLog(context.Background(), p, d.Attempt, datastore.Stdout)
	if err != nil {
		return ""
	}
	defer rc.Close()
	var b bytes.Buffer
	b.ReadFrom(rc)
	return b.String()
}

// taskIDs lists step's finished tasks.
func (r *Result[F]) taskIDs(step string) []string {
	r.t.Helper()
	if r.plan.Step(step) == nil {
		r.t.Fatalf("flowtest: flow %s has no step %s (steps: %s)", r.flow, step, strings.Join(r.plan.Graph.Order, ", "))
	}
	ids, err := r.store.ListTasks(context.Background(), r.flow, r.RunID, step)
	if err != nil {
		r.t.Fatalf("flowtest: tasks of %s: %v", step, err)
	}
	var done []string
	for _, id := range ids {
		if _, err := r.store.ReadDone(context.Background(), datastore.TaskPath{Flow: r.flow, Run: r.RunID, Step: step, Task: id}); err == nil {
			done = append(done, id)
		}
	}
	sort.SliceStable(done, func(i, j int) bool { return datastore.CompareIDs(done[i], done[j]) < 0 })
	return done
}

// load decodes a finished task's artifacts, over the run's parameters and
// configs, into a new *F.
func (r *Result[F]) load(step, id string) *F {
	r.t.Helper()
	f := new(F)
	params := datastore.TaskPath{Flow: r.flow, Run: r.RunID, Step: datastore.ParamsStep, Task: datastore.ParamsTask}
	r.fill(f, params)
	r.fill(f, datastore.TaskPath{Flow: r.flow, Run: r.RunID, Step: step, Task: id})
	return f
}

// fill decodes the artifacts of task p into the fields of f of the same
// names.
func (r *Result[F]) fill(f *F, p datastore.TaskPath) {
	r.t.Helper()
	ctx := context.Background()
	d, err := r.store.ReadDone(ctx, p)
	if err != nil {
		r.t.Fatalf("flowtest: task %s did not finish: %v", p, err)
	}
	arts, err := r.store.ReadArtifacts(ctx, p, d.Attempt)
	if err != nil {
		r.t.Fatalf("flowtest: artifacts of %s: %v", p, err)
	}
	v := reflect.ValueOf(f).Elem()
	for name, a := range arts {
		fv := v.FieldByName(name)
		if !fv.IsValid() || !fv.CanSet() {
			continue // a field this F does not have
		}
		if err := r.store.GetArtifact(ctx, a, fv.Addr().Interface()); err != nil {
			r.t.Fatalf("flowtest: %s artifact %s: %v", p, name, err)
		}
	}
}
