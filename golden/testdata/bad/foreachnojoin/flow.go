package bad

import "github.com/flowc-dev/flowc/flow"

// Fanout never joins its foreach.
type Fanout struct {
	Shards []string
}

func (f *Fanout) Start(c *flow.Context) flow.Next {
	f.Shards = []string{"a", "b"}
	return flow.Foreach(f.Shards, f.Fit) // want "FLOW033 .*foreach that step Start starts reaches End without a join"
}

func (f *Fanout) Fit(c *flow.Context) flow.Next { return flow.Goto(f.Report) }

func (f *Fanout) Report(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Fanout) End(c *flow.Context) {}
