package bad

import "github.com/flowc-dev/flowc/flow"

// Forever has timeouts that add up to nothing.
type Forever struct{}

func (f *Forever) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:timeout // want "FLOW068 .*timeout needs seconds=, minutes= or hours= adding up to more than zero"
func (f *Forever) Fit(c *flow.Context) flow.Next { return flow.Goto(f.Report) }

//flow:timeout seconds=0 minutes=0 // want "FLOW068 .*timeout needs"
func (f *Forever) Report(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Forever) End(c *flow.Context) {}
