// Package soak is the soak test's flow: 200 tasks, a foreach of 197 short
// tasks between Start, a join and End.
package soak

import (
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Soak squares 197 numbers and adds them up.
type Soak struct {
	Numbers []int
	Square  int
	Total   int
}

// Start makes the numbers.
func (f *Soak) Start(c *flow.Context) flow.Next {
	for i := range 197 {
		f.Numbers = append(f.Numbers, i)
	}
	return flow.Foreach(f.Numbers, f.Work)
}

// Work squares one number, after a moment.
func (f *Soak) Work(c *flow.Context) flow.Next {
	time.Sleep(20 * time.Millisecond)
	n := flow.Input[int](c)
	f.Square = n * n
	return flow.Goto(f.Sum)
}

// Sum adds the squares.
func (f *Soak) Sum(c *flow.Context, in flow.Inputs[Soak]) flow.Next {
	for _, t := range in.All() {
		f.Total += t.Square
	}
	return flow.Goto(f.End)
}

// End ends.
func (f *Soak) End(c *flow.Context) {}
