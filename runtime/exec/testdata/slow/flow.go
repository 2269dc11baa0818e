// Package slow is a test flow whose foreach tasks take a while, so that a
// test can kill the executor in the middle of a run.
package slow

import (
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Slow squares numbers, slowly.
type Slow struct {
	Delay   time.Duration `flow:"param" default:"300ms"`
	Numbers []int
	Square  int
	Total   int
}

// Start makes the numbers.
func (f *Slow) Start(c *flow.Context) flow.Next {
	f.Numbers = []int{1, 2, 3, 4, 5, 6, 7, 8}
	return flow.Foreach(f.Numbers, f.Compute)
}

// Compute squares one number after a delay.
func (f *Slow) Compute(c *flow.Context) flow.Next {
	time.Sleep(f.Delay)
	n := flow.Input[int](c)
	f.Square = n * n
	return flow.Goto(f.Sum)
}

// Sum adds the squares.
func (f *Slow) Sum(c *flow.Context, in flow.Inputs[Slow]) flow.Next {
	for _, t := range in.All() {
		f.Total += t.Square
	}
	return flow.Goto(f.End)
}

// End ends.
func (f *Slow) End(c *flow.Context) error { return nil }
