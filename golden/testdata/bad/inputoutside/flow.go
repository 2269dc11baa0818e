package bad

import "github.com/flowc-dev/flowc/flow"

// Outside reads a foreach element where no foreach is open.
type Outside struct {
	Shards []string
	Best   string
}

func (f *Outside) Start(c *flow.Context) flow.Next {
	f.Shards = []string{"a", "b"}
	return flow.Foreach(f.Shards, f.Fit)
}

func (f *Outside) Fit(c *flow.Context) flow.Next {
	f.Best = flow.Input[string](c)
	return flow.Goto(f.Join)
}

func (f *Outside) Join(c *flow.Context, in flow.Inputs[Outside]) flow.Next {
	f.Best = flow.Input[string](c) // want "FLOW023 .*Join calls flow.Input but is not inside a foreach"
	return flow.Goto(f.End)
}

func (f *Outside) End(c *flow.Context) {}
