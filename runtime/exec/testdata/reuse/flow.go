// Package reuse is a test flow for runners that serve several tasks: a
// foreach of six tasks, each of which prints its item and records the
// process it ran in.
package reuse

import (
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/flow"
)

// Reuse fans out over six items.
type Reuse struct {
	Items []int
	Item  int
	Pid   int
	Pids  []int
}

// Start makes six items.
func (f *Reuse) Start(c *flow.Context) flow.Next {
	f.Items = []int{1, 2, 3, 4, 5, 6}
	return flow.Foreach(f.Items, f.Each)
}

// Each prints its item on stdout and stderr.
func (f *Reuse) Each(c *flow.Context) flow.Next {
	f.Item = flow.Input[int](c)
	f.Pid = os.Getpid()
	fmt.Printf("item %d\n", f.Item)
	fmt.Fprintf(os.Stderr, "err %d\n", f.Item)
	return flow.Goto(f.Join)
}

// Join keeps the processes.
func (f *Reuse) Join(c *flow.Context, in flow.Inputs[Reuse]) flow.Next {
	for _, t := range in.All() {
		f.Pids = append(f.Pids, t.Pid)
	}
	return flow.Goto(f.End)
}

// End ends.
func (f *Reuse) End(c *flow.Context) {}
