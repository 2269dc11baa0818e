package bad

import "github.com/flowc-dev/flowc/flow"

// Empty runs its foreach straight into the join.
type Empty struct {
	Shards []string
}

func (f *Empty) Start(c *flow.Context) flow.Next {
	f.Shards = []string{"a", "b"}
	return flow.Foreach(f.Shards, f.Join) // want "FLOW036 .*foreach step Start goes straight to join Join"
}

func (f *Empty) Join(c *flow.Context, in flow.Inputs[Empty]) flow.Next { return flow.Goto(f.End) }

func (f *Empty) End(c *flow.Context) {}
