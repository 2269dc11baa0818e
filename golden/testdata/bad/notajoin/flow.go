package bad

import "github.com/flowc-dev/flowc/flow"

// Lonely takes inputs where nothing splits.
type Lonely struct {
	Count int
}

func (f *Lonely) Start(c *flow.Context) flow.Next { return flow.Goto(f.Sum) }

func (f *Lonely) Sum(c *flow.Context, in flow.Inputs[Lonely]) flow.Next { // want "FLOW025 .*Sum takes flow.Inputs but no branch or foreach is open here"
	return flow.Goto(f.End)
}

func (f *Lonely) End(c *flow.Context) {}
