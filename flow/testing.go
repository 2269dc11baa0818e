package flow

import (
	"fmt"
	"iter"
	"slices"
)

// InputsOf returns an in-memory [Inputs] over inputs, in the order given, for
// unit tests of join steps and for examples. Its Step returns "" for every
// input; use [InputsFrom] to name the steps. The views are the pointers
// given, not copies; its MergeArtifacts applies the rules documented on
// [Inputs].
func InputsOf[F any](inputs ...*F) Inputs[F] {
	return &memInputs[F]{inputs: slices.Clone(inputs)}
}

// InputsFrom is [InputsOf] with the name of the step each input came from:
// Step(i) returns steps[i]. It panics when steps and inputs differ in length.
func InputsFrom[F any](steps []string, inputs ...*F) Inputs[F] {
	if len(steps) != len(inputs) {
		panic(fmt.Sprintf("flow.InputsFrom: %d step names for %d inputs", len(steps), len(inputs)))
	}
	return &memInputs[F]{steps: slices.Clone(steps), inputs: slices.Clone(inputs)}
}

// memInputs is the Inputs that InputsOf and InputsFrom return.
type memInputs[F any] struct {
	steps  []string // nil for InputsOf
	inputs []*F
}

func (m *memInputs[F]) Len() int { return len(m.inputs) }

func (m *memInputs[F]) At(i int) *F {
	m.checkIndex("At", i)
	return m.inputs[i]
}

func (m *memInputs[F]) Step(i int) string {
	m.checkIndex("Step", i)
	if m.steps == nil {
		return ""
	}
	return m.steps[i]
}

func (m *memInputs[F]) checkIndex(method string, i int) {
	if i < 0 || i >= len(m.inputs) {
		panic(fmt.Sprintf("flow.Inputs.%s: index %d out of range for %d inputs", method, i, len(m.inputs)))
	}
}

func (m *memInputs[F]) All() iter.Seq2[int, *F] {
	return func(yield func(int, *F) bool) {
		for i, in := range m.inputs {
			if !yield(i, in) {
				return
			}
		}
	}
}

func (m *memInputs[F]) MergeArtifacts(dst *F, opts ...MergeOption) error {
	return mergeArtifacts(dst, m.inputs, opts)
}
