package bad

import "github.com/flowc-dev/flowc/flow"

// Spread declares its steps in two files; the mistakes are in the other.
type Spread struct {
	Shards []string
}

func (f *Spread) Start(c *flow.Context) flow.Next {
	f.Shards = []string{"a"}
	return flow.Foreach(f.Shards, f.Fit)
}

func (f *Spread) End(c *flow.Context) {}
