package task

import "github.com/flowc-dev/flowc/flow"

// FieldKind says what a flow field is.
type FieldKind int

// The field kinds.
const (
	Param FieldKind = iota + 1
	Config
	Artifact
)

// Field is one exported field of a flow, with a generated accessor.
type Field[F any] struct {
	Name string
	Kind FieldKind
	// Ptr returns a pointer to the field of f.
	Ptr func(f *F) any
}

// Step is a step method adapted to one signature by generated code.
type Step[F any] func(f *F, c *flow.Context, in flow.Inputs[F]) (flow.Next, error)

// Elem returns element i of a foreach slice field and the slice's length;
// a nil element and the length when i is out of range.
type Elem[F any] func(f *F, i int) (any, int)

// Flow describes a user's flow to the runner. flowc generates it.
type Flow[F any] struct {
	Name    string
	Fields  []Field[F]
	Steps   map[string]Step[F]
	Foreach map[string]Elem[F] // by field name
	// Hooks holds the exit hook functions //flow:exit_hook names, by name.
	Hooks map[string]Hook
	// Plan is the plan the runner was built for (ir.Encode): what a task
	// started by an engine without a flowc scheduler reads.
	Plan string
}
