package flow

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
)

// Next is the transition a step returns: where the flow goes after it. Build
// one with [Goto], [Branch] or [Foreach]; a step that fails returns a nil Next
// and a non-nil error.
type Next interface {
	transition() Transition
}

// Kind says which of the three transitions a [Next] is.
type Kind int

// The transition kinds.
const (
	// KindGoto is a Goto: one successor. A step whose returns name two or more
	// different Goto targets is a conditional step.
	KindGoto Kind = iota + 1
	// KindBranch is a static fan-out: every target runs.
	KindBranch
	// KindForeach is a fan-out over the elements of a slice artifact.
	KindForeach
)

// String returns "goto", "branch" or "foreach".
func (k Kind) String() string {
	switch k {
	case KindGoto:
		return "goto"
	case KindBranch:
		return "branch"
	case KindForeach:
		return "foreach"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Transition describes a [Next] value: its kind, the steps it names and, for
// a foreach, how many tasks it asks for. Get one with [Inspect].
type Transition struct {
	Kind Kind
	// Steps holds the names of the target steps, in the order they were given.
	Steps []string
	// Splits is the number of elements of a foreach's slice (0 otherwise).
	Splits int
}

type next struct{ t Transition }

func (n next) transition() Transition { return n.t }

// Inspect reports what a step's returned transition asks for. flowc's runtime
// uses it to check the transition against the static graph; a unit test can
// use it to assert where a step goes. Inspect of nil returns the zero
// Transition.
func Inspect(n Next) Transition {
	if n == nil {
		return Transition{}
	}
	t := n.transition()
	t.Steps = append([]string(nil), t.Steps...)
	return t
}

// Goto moves the flow to one step: pass the step as a method value, f.X.
// Anything else (a function, a method expression, nil) names no step, and the
// runtime fails the task with a transition to an unknown step.
//
// A step whose return statements name two or more different Goto targets is
// a conditional step: at run time exactly one of them runs. A conditional step
// may name itself, which makes a loop.
func Goto(step any) Next {
	return next{Transition{Kind: KindGoto, Steps: []string{stepName(step)}}}
}

// Branch starts a static fan-out: every step given runs, in parallel, and the
// branches must meet in one join step (a step with an [Inputs] parameter).
func Branch(steps ...any) Next {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = stepName(s)
	}
	return next{Transition{Kind: KindBranch, Steps: names}}
}

// Foreach starts one task of step per element of items, which must be a slice
// artifact of the flow written as a field, f.Items, and step a method value,
// f.X. Each task reads its element with [Input] and its position with
// [Context.Index]; the tasks meet again in a join step.
func Foreach[T any](items []T, step any) Next {
	return next{Transition{Kind: KindForeach, Steps: []string{stepName(step)}, Splits: len(items)}}
}

// stepName returns the method name of a method value such as f.Train. The
// compiler names a method value's function "pkg.(*T).Train-fm"; for anything
// else it returns the function's full name, or a description of the value,
// which the runtime then reports as a transition to an unknown step.
func stepName(step any) string {
	v := reflect.ValueOf(step)
	if v.Kind() != reflect.Func || v.IsNil() {
		return fmt.Sprintf("<not a step: %T>", step)
	}
	fn := runtime.FuncForPC(v.Pointer())
	if fn == nil {
		return "<unknown function>"
	}
	name := fn.Name()
	if !strings.HasSuffix(name, "-fm") {
		return name
	}
	name = strings.TrimSuffix(name, "-fm")
	return name[strings.LastIndexByte(name, '.')+1:]
}
