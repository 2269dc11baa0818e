package bad

import "github.com/flowc-dev/flowc/flow"

// Headless has an End but no Start: its first step is spelled Begin.
type Headless struct { // want "FLOW010 .*no Start step"
	Count int
}

func (f *Headless) Begin(c *flow.Context) flow.Next {
	f.Count++
	return flow.Goto(f.End)
}

func (f *Headless) End(c *flow.Context) {}
