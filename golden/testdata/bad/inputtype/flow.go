package bad

import "github.com/flowc-dev/flowc/flow"

// Region is one region to fit.
type Region string

// Typed reads its foreach element as the wrong type.
type Typed struct {
	Shards  []string
	Regions []Region
	Sizes   []int
}

func (f *Typed) Start(c *flow.Context) flow.Next {
	return flow.Foreach(f.Shards, f.Fit)
}

func (f *Typed) Fit(c *flow.Context) flow.Next {
	n := flow.Input[int](c) // want "FLOW022 .*Input\\[int\\] in step Fit, but foreach Start splits Shards, whose elements are string"
	_ = n
	return flow.Goto(f.Join)
}

func (f *Typed) Join(c *flow.Context, in flow.Inputs[Typed]) flow.Next { return flow.Goto(f.ThenJoin) }

func (f *Typed) ThenJoin(c *flow.Context) flow.Next {
	return flow.Foreach(f.Regions, f.Each)
}

func (f *Typed) Each(c *flow.Context) flow.Next {
	r := flow.Input[Region](c)
	s := flow.Input[string](c) // want "FLOW022 .*Each reads its foreach element as both Region and string"
	_, _ = r, s
	return flow.Goto(f.Join2)
}

func (f *Typed) Join2(c *flow.Context, in flow.Inputs[Typed]) flow.Next { return flow.Goto(f.End) }

func (f *Typed) End(c *flow.Context) {}
