package bad

import "github.com/flowc-dev/flowc/flow"

// Unfinished has a step that never says where to go.
type Unfinished struct {
	Count int
}

func (f *Unfinished) Start(c *flow.Context) flow.Next { return flow.Goto(f.Work) }

func (f *Unfinished) Work(c *flow.Context) flow.Next { // want "FLOW016 .*Work returns no transition"
	f.Count++
	panic("not written yet")
}

// End is not reported as unreachable: Work's missing transition is the one
// mistake, and the graph checks stay quiet about what follows from it.
func (f *Unfinished) End(c *flow.Context) {}
