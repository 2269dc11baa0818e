package bad

import "github.com/flowc-dev/flowc/flow"

// Copy declares a step on the value type, so its changes would be lost.
type Copy struct {
	Count int
}

func (f *Copy) Start(c *flow.Context) flow.Next { return flow.Goto(f.Add) }

func (f Copy) Add(c *flow.Context) flow.Next { // want "FLOW013 .*value receiver.*\\*Copy"
	f.Count++
	return flow.Goto(f.End)
}

func (f *Copy) End(c *flow.Context) {}
