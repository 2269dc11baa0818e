package bad

import "github.com/flowc-dev/flowc/flow"

// Computed loops over values that are not artifacts of the flow.
type Computed struct {
	Shards []string
	shards []string
}

func (f *Computed) Start(c *flow.Context) flow.Next {
	return flow.Foreach(f.Shards[1:], f.Fit) // want "FLOW021 .*f.Shards\\[1:\\] is not a field"
}

func (f *Computed) Fit(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Computed) Join(c *flow.Context, in flow.Inputs[Computed]) flow.Next {
	return flow.Goto(f.ThenJoin)
}

func (f *Computed) ThenJoin(c *flow.Context) flow.Next {
	return flow.Foreach([]string{"a", "b"}, f.Fit2) // want "FLOW021 .*is not a field"
}

func (f *Computed) Fit2(c *flow.Context) flow.Next { return flow.Goto(f.Join2) }

func (f *Computed) Join2(c *flow.Context, in flow.Inputs[Computed]) flow.Next {
	return flow.Goto(f.ThenJoin2)
}

func (f *Computed) ThenJoin2(c *flow.Context) flow.Next {
	return flow.Foreach(f.shards, f.Fit3) // want "FLOW021 .*shards is not an exported field"
}

func (f *Computed) Fit3(c *flow.Context) flow.Next { return flow.Goto(f.Join3) }

func (f *Computed) Join3(c *flow.Context, in flow.Inputs[Computed]) flow.Next {
	return flow.Goto(f.ThenJoin3)
}

func (f *Computed) ThenJoin3(c *flow.Context) flow.Next {
	return flow.Foreach(f.items(), f.Fit4) // want "FLOW021 .*f.items\\(\\) is not a field"
}

func (f *Computed) Fit4(c *flow.Context) flow.Next { return flow.Goto(f.Join4) }

func (f *Computed) Join4(c *flow.Context, in flow.Inputs[Computed]) flow.Next {
	return flow.Goto(f.End)
}

func (f *Computed) items() []string { return f.Shards }

func (f *Computed) End(c *flow.Context) {}
