package bad

import "github.com/flowc-dev/flowc/flow"

// Restart goes back to Start to try again.
type Restart struct {
	Tries int
}

func (f *Restart) Start(c *flow.Context) flow.Next {
	f.Tries++
	return flow.Goto(f.Check)
}

func (f *Restart) Check(c *flow.Context) flow.Next {
	if f.Tries < 3 {
		return flow.Goto(f.Start) // want "FLOW030 .*Check goes to Start"
	}
	return flow.Goto(f.End)
}

func (f *Restart) End(c *flow.Context) {}
