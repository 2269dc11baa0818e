package flow

import (
	"iter"
	"strings"
)

// Inputs is the second parameter of a join step: one typed, read-only view of
// the flow per task that leads into the join, in a stable order (a foreach's
// tasks by index, a branch's in the order Branch named them). Views are loaded
// lazily: an input's artifacts are read from the datastore the first time At
// or All reaches it.
//
// A join starts with only its parameters and configs set; it takes what it
// needs from its inputs, by hand or with MergeArtifacts.
type Inputs[F any] interface {
	// Len returns the number of inputs.
	Len() int
	// At returns input i, from 0. It panics, failing the task, when i is out
	// of range or the input's artifacts cannot be read.
	At(i int) *F
	// Step returns the name of the step input i came from. It panics when i
	// is out of range.
	Step(i int) string
	// All iterates over the inputs in order, loading each as it is reached.
	All() iter.Seq2[int, *F]
	// MergeArtifacts copies into dst every artifact of the inputs that dst
	// does not already set, as Metaflow's merge_artifacts does. The
	// artifacts are F's exported fields not tagged flow:"param" or
	// flow:"config"; a field is set when it is not its zero value. An
	// artifact that two inputs set to different values (by
	// reflect.DeepEqual) is a conflict; assign it in the join first to
	// settle it. Include and Exclude narrow the artifacts considered.
	//
	// MergeArtifacts merges all or nothing: on a conflict, an Include name
	// that no input sets, an Include or Exclude name that is not an artifact
	// of F, or a nil dst it copies nothing and returns a *MergeError that
	// names every problem.
	MergeArtifacts(dst *F, opts ...MergeOption) error
}

// MergeOption narrows what [Inputs.MergeArtifacts] merges.
type MergeOption struct {
	include []string
	exclude []string
}

// Include merges only the named artifacts, given as field names. A name that
// is not an artifact of the flow, or that no input sets and dst does not
// set, is an error. Include cannot be combined with [Exclude].
func Include(names ...string) MergeOption { return MergeOption{include: names} }

// Exclude merges every artifact but the named ones, given as field names. A
// name that is not an artifact of the flow is an error.
func Exclude(names ...string) MergeOption { return MergeOption{exclude: names} }

// MergeSpec is the resolved form of a list of MergeOptions, for
// implementations of [Inputs]. At most one of its lists is non-nil.
type MergeSpec struct {
	Include []string // the only artifacts considered; nil means all of them
	Exclude []string // artifacts never merged
}

// ResolveMerge combines opts: several Include options add up, as do several
// Exclude options. Giving both Include and Exclude is an error, as in
// Metaflow; ResolveMerge then returns a *MergeError.
func ResolveMerge(opts ...MergeOption) (MergeSpec, error) {
	var s MergeSpec
	for _, o := range opts {
		s.Include = append(s.Include, o.include...)
		s.Exclude = append(s.Exclude, o.exclude...)
	}
	if s.Include != nil && s.Exclude != nil {
		return s, &MergeError{Reason: "Include and Exclude cannot be combined"}
	}
	return s, nil
}

// MergeError is returned by [Inputs.MergeArtifacts] when it refuses to merge;
// it then has copied nothing.
type MergeError struct {
	// Conflicts names each artifact that two inputs set to different
	// values, sorted.
	Conflicts []string
	// Missing names each Include artifact that no input sets and dst does
	// not set, sorted.
	Missing []string
	// Reason explains any other refusal.
	Reason string
}

// Error lists what stopped the merge: every conflicting artifact, every
// Include name that no input sets, and the Reason, as in
// "merge artifacts: conflicting values for Model, Score (assign them in the
// join before merging, or Exclude them)".
func (e *MergeError) Error() string {
	var parts []string
	if len(e.Conflicts) > 0 {
		parts = append(parts, "conflicting values for "+strings.Join(e.Conflicts, ", ")+
			" (assign them in the join before merging, or Exclude them)")
	}
	if len(e.Missing) > 0 {
		parts = append(parts, "Include names artifacts that no input sets: "+strings.Join(e.Missing, ", "))
	}
	if e.Reason != "" {
		parts = append(parts, e.Reason)
	}
	if len(parts) == 0 {
		return "merge artifacts: refused"
	}
	return "merge artifacts: " + strings.Join(parts, "; ")
}
