package task

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"slices"

	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/codec"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/sched"
)

// load fills f with the run's parameters and configs and, for an ordinary
// step, the artifacts of its input; it returns the task's foreach stack,
// and for a join its inputs.
func (r *runner[F]) load(ctx context.Context, f *F) ([]datastore.ForeachFrame, flow.Inputs[F], error) {
	params, err := r.store.ReadArtifacts(ctx, datastore.ParamsStep, datastore.ParamsTask, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("read the run's parameters: %w", err)
	}
	if err := r.fill(ctx, f, params, func(k FieldKind) bool { return k != Artifact }); err != nil {
		return nil, nil, err
	}
	r.inherited = map[string]datastore.Artifact{}
	if r.st.Name == r.plan.Graph.Start {
		return nil, nil, nil
	}
	if len(r.args.inputs) == 0 {
		return nil, nil, fmt.Errorf("step %s needs --input-paths", r.st.Name)
	}
	parents := make([]*datastore.Attempt, len(r.args.inputs))
	for i, in := range r.args.inputs {
		if i > 0 && r.st.Inputs {
			// A join needs the first input's foreach stack, and of the
			// others only the attempt that finished them: their done
			// markers say so without their attempts (a join of 10,000
			// inputs reads 10,000 documents fewer).
			parents[i], err = r.store.ReadDoneOnly(ctx, in.Step, in.ID)
		} else {
			parents[i], err = r.store.ReadDone(ctx, in.Step, in.ID)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("input %s: %w", in, err)
		}
	}
	if r.st.Inputs {
		stack := slices.Clone(parents[0].ForeachStack)
		if split := r.splitOf(); split != nil && split.Kind == ir.KindForeach && len(stack) > 0 {
			stack = stack[:len(stack)-1]
		}
		return stack, &inputs[F]{r: r, refs: r.args.inputs, atts: parents, loaded: make([]*F, len(parents))}, nil
	}
	if len(parents) != 1 {
		return nil, nil, fmt.Errorf("step %s takes one input, got %d", r.st.Name, len(parents))
	}
	p, pref := parents[0], r.args.inputs[0]
	arts, err := r.store.ReadArtifacts(ctx, pref.Step, pref.ID, p.Attempt)
	if err != nil {
		return nil, nil, fmt.Errorf("input %s: %w", pref, err)
	}
	if err := r.fill(ctx, f, arts, func(k FieldKind) bool { return k == Artifact }); err != nil {
		return nil, nil, err
	}
	for name, ref := range arts {
		r.inherited[name] = ref
	}
	stack := slices.Clone(p.ForeachStack)
	splits := 0
	if p.Transition != nil && p.Transition.Foreach != nil {
		splits = p.Transition.Foreach.Splits
	}
	if ps := r.plan.Step(pref.Step); ps != nil && ps.Kind == ir.KindForeach {
		if r.args.splitIndex < 0 || r.args.splitIndex >= splits {
			return nil, nil, fmt.Errorf("split index %d outside the %d tasks of foreach %s", r.args.splitIndex, splits, pref.Step)
		}
		stack = append(stack, datastore.ForeachFrame{Step: ps.Name, Var: ps.ForeachVar, Index: r.args.splitIndex, Splits: splits})
	}
	return stack, nil, nil
}

// splitOf returns the split that this join closes.
func (r *runner[F]) splitOf() *ir.Step {
	for _, s := range r.plan.Steps {
		if s.MatchingJoin == r.st.Name {
			return s
		}
	}
	return nil
}

// fill decodes the artifacts named in arts into the fields of f that keep
// says to fill.
func (r *runner[F]) fill(ctx context.Context, f *F, arts map[string]datastore.Artifact, keep func(FieldKind) bool) error {
	for _, fd := range r.fl.Fields {
		ref, ok := arts[fd.Name]
		if !ok || !keep(fd.Kind) {
			continue
		}
		if err := r.decode(ctx, ref, fd.Ptr(f)); err != nil {
			return fmt.Errorf("artifact %s: %w", fd.Name, err)
		}
	}
	return nil
}

func (r *runner[F]) decode(ctx context.Context, ref datastore.Artifact, ptr any) error {
	if ref.Size >= smallBlob || ref.Encoding != codec.Name {
		return r.store.s.GetArtifact(ctx, ref, ptr)
	}
	// A join over many inputs reads the same inherited artifact (the
	// foreach's list, say) once per input: small blobs are read and
	// verified once per task, then decoded from memory.
	r.blobsMu.Lock()
	data, ok := r.blobs[ref.SHA]
	r.blobsMu.Unlock()
	if !ok {
		var err error
		if data, err = r.store.s.GetBlob(ctx, ref.SHA); err != nil {
			return err
		}
		r.blobsMu.Lock()
		if r.blobs == nil {
			r.blobs = map[string][]byte{}
		}
		if r.blobBytes+len(data) <= blobCacheBytes {
			r.blobs[ref.SHA] = data
			r.blobBytes += len(data)
		}
		r.blobsMu.Unlock()
	}
	return codec.Decode(data, ptr) // copies: the cached bytes stay shared
}

// The small-blob cache of one task: blobs under smallBlob bytes, up to
// blobCacheBytes in all.
const (
	smallBlob      = 1 << 20
	blobCacheBytes = 64 << 20
)

// inputs is the runtime's flow.Inputs: each input is loaded the first time
// it is reached.
type inputs[F any] struct {
	r      *runner[F]
	refs   []sched.Ref
	atts   []*datastore.Attempt
	arts   []map[string]datastore.Artifact
	loaded []*F
	params map[string]datastore.Artifact
}

func (in *inputs[F]) Len() int { return len(in.refs) }

func (in *inputs[F]) Step(i int) string { in.check(i); return in.refs[i].Step }

func (in *inputs[F]) check(i int) {
	if i < 0 || i >= len(in.refs) {
		panic(fmt.Sprintf("flow.Inputs: index %d out of range for %d inputs", i, len(in.refs)))
	}
}

// index returns input i's artifact index.
func (in *inputs[F]) index(i int) map[string]datastore.Artifact {
	if in.arts == nil {
		in.arts = make([]map[string]datastore.Artifact, len(in.refs))
	}
	if in.arts[i] == nil {
		ctx := context.Background()
		arts, err := in.r.store.ReadArtifacts(ctx, in.refs[i].Step, in.refs[i].ID, in.atts[i].Attempt)
		if err != nil {
			panic(fmt.Sprintf("flow.Inputs: read input %s: %v", in.refs[i], err))
		}
		in.arts[i] = arts
	}
	return in.arts[i]
}

func (in *inputs[F]) At(i int) *F {
	in.check(i)
	if in.loaded[i] == nil {
		in.loaded[i] = in.load(i)
	}
	return in.loaded[i]
}

// load reads input i into a new value of the flow.
func (in *inputs[F]) load(i int) *F {
	ctx := context.Background()
	f := new(F)
	var err error
	if in.params == nil {
		in.params, err = in.r.store.ReadArtifacts(ctx, datastore.ParamsStep, datastore.ParamsTask, 0)
	}
	if err == nil {
		err = in.r.fill(ctx, f, in.params, func(k FieldKind) bool { return k != Artifact })
	}
	if err == nil {
		err = in.r.fill(ctx, f, in.index(i), func(k FieldKind) bool { return k == Artifact })
	}
	if err != nil {
		panic(fmt.Sprintf("flow.Inputs: load input %s: %v", in.refs[i], err))
	}
	return f
}

// All loads each input as it is reached and does not keep it (unless At
// already did), so a join over thousands of inputs holds one at a time.
func (in *inputs[F]) All() iter.Seq2[int, *F] {
	return func(yield func(int, *F) bool) {
		for i := range in.refs {
			f := in.loaded[i]
			if f == nil {
				f = in.load(i)
			}
			if !yield(i, f) {
				return
			}
		}
	}
}

// MergeArtifacts compares artifacts by content hash, without loading them,
// and loads only what it copies.
func (in *inputs[F]) MergeArtifacts(dst *F, opts ...flow.MergeOption) error {
	spec, err := flow.ResolveMerge(opts...)
	if err != nil {
		return err
	}
	if dst == nil {
		return &flow.MergeError{Reason: "MergeArtifacts needs a destination"}
	}
	fields := map[string]Field[F]{}
	var names []string
	for _, fd := range in.r.fl.Fields {
		if fd.Kind == Artifact {
			fields[fd.Name] = fd
			names = append(names, fd.Name)
		}
	}
	var unknown []string
	for _, n := range append(slices.Clone(spec.Include), spec.Exclude...) {
		if _, ok := fields[n]; !ok {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return &flow.MergeError{Reason: fmt.Sprintf("not artifacts of the flow: %v", unknown)}
	}
	take := map[string]datastore.Artifact{}
	var conflicts, missing []string
	for _, n := range names {
		if spec.Include != nil && !slices.Contains(spec.Include, n) || slices.Contains(spec.Exclude, n) {
			continue
		}
		if isSet(fields[n].Ptr(dst)) {
			continue
		}
		var ref datastore.Artifact
		found, conflict := false, false
		for i := range in.refs {
			r, ok := in.index(i)[n]
			if !ok {
				continue
			}
			if found && r.SHA != ref.SHA {
				conflict = true
			}
			ref, found = r, true
		}
		switch {
		case conflict:
			conflicts = append(conflicts, n)
		case found:
			take[n] = ref
		case spec.Include != nil:
			missing = append(missing, n)
		}
	}
	if len(conflicts) > 0 || len(missing) > 0 {
		return &flow.MergeError{Conflicts: conflicts, Missing: missing}
	}
	for _, n := range names {
		ref, ok := take[n]
		if !ok {
			continue
		}
		if err := in.r.decode(context.Background(), ref, fields[n].Ptr(dst)); err != nil {
			return fmt.Errorf("merge artifacts: load %s: %w", n, err)
		}
		in.r.inherited[n] = ref
	}
	return nil
}

// isSet reports whether the value ptr points to is not its zero value.
func isSet(ptr any) bool {
	return !reflect.ValueOf(ptr).Elem().IsZero()
}
