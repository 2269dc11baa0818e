package bad

import "github.com/flowc-dev/flowc/flow"

// CatchSplit catches failures of the step that starts a foreach.
type CatchSplit struct {
	Shards  []string
	Failure *flow.CaughtError
}

//flow:catch var=Failure // want "FLOW065 .*catch cannot apply to foreach step Start"
func (f *CatchSplit) Start(c *flow.Context) flow.Next {
	f.Shards = []string{"a", "b"}
	return flow.Foreach(f.Shards, f.Fit)
}

func (f *CatchSplit) Fit(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *CatchSplit) Join(c *flow.Context, in flow.Inputs[CatchSplit]) flow.Next {
	return flow.Goto(f.End)
}

func (f *CatchSplit) End(c *flow.Context) {}
