package bad

import "github.com/flowc-dev/flowc/flow"

// Results has steps with the wrong results. flowc still reads their
// transitions, so the graph holds together and nothing else is reported.
type Results struct {
	Count int
}

func (f *Results) Start(c *flow.Context) flow.Next { return flow.Goto(f.Add) }

func (f *Results) Add(c *flow.Context) (flow.Next, bool) { // want "FLOW012 .*Add must return flow.Next or \\(flow.Next, error\\)"
	f.Count++
	return flow.Goto(f.Check), true
}

func (f *Results) Check(c *flow.Context) (error, flow.Next) { // want "FLOW012 .*Check must return"
	if f.Count > 1 {
		return nil, flow.Goto(f.Report)
	}
	return nil, flow.Goto(f.Report)
}

func (f *Results) Report(c *flow.Context) (flow.Next, error, bool) { // want "FLOW012 .*Report must return"
	return flow.Goto(f.End), nil, true
}

func (f *Results) End(c *flow.Context) int { return f.Count } // want "FLOW012 .*End must return nothing or an error"
