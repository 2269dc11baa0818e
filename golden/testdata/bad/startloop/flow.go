package bad

import "github.com/flowc-dev/flowc/flow"

// Retry loops on Start: a conditional self-loop, but on the step where a
// run begins, which nothing may lead to (not even Start itself).
type Retry struct {
	Tries int
}

func (f *Retry) Start(c *flow.Context) flow.Next {
	f.Tries++
	if f.Tries < 3 {
		return flow.Goto(f.Start) // want "FLOW030 .*Start goes to Start"
	}
	return flow.Goto(f.End)
}

func (f *Retry) End(c *flow.Context) {}
