package bad

import "github.com/flowc-dev/flowc/flow"

// Endless never ends: its last step is spelled Finish.
type Endless struct { // want "FLOW011 .*no End step"
	Count int
}

func (f *Endless) Start(c *flow.Context) flow.Next {
	f.Count++
	return flow.Goto(f.Finish)
}

func (f *Endless) Finish(c *flow.Context) error { return nil } // want "FLOW012 .*Finish must return flow.Next"
