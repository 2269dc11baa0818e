package bad

import "github.com/flowc-dev/flowc/flow"

// Misplaced puts step directives on the flow and flow directives on a
// step.
//
//flow:retry times=2 // want "FLOW065 .*retry is a step directive: put it above a step, not the flow's type"
type Misplaced struct {
	Best float64
}

func (f *Misplaced) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:schedule daily=true // want "FLOW065 .*schedule is a flow directive: put it above the flow's type, not a step"
func (f *Misplaced) Fit(c *flow.Context) flow.Next { return flow.Goto(f.Pick) }

//flow:catch // want "FLOW065 .*catch cannot apply to conditional step Pick"
func (f *Misplaced) Pick(c *flow.Context) flow.Next {
	if f.Best > 0.5 {
		return flow.Goto(f.Publish)
	}
	return flow.Goto(f.End)
}

func (f *Misplaced) Publish(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Misplaced) End(c *flow.Context) {}
