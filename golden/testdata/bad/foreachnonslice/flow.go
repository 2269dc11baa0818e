package bad

import "github.com/flowc-dev/flowc/flow"

// Grid is a named array type: fixed length, not a slice.
type Grid [4]string

// Counted loops over things that are not slices.
type Counted struct {
	Count  int
	Names  map[string]bool
	Cells  Grid
	Shards []string
}

func (f *Counted) Start(c *flow.Context) flow.Next {
	return flow.Foreach(f.Count, f.Work) // want "FLOW021 .*Count has type int"
}

func (f *Counted) Work(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Counted) Join(c *flow.Context, in flow.Inputs[Counted]) flow.Next {
	return flow.Goto(f.ThenJoin)
}

func (f *Counted) ThenJoin(c *flow.Context) flow.Next {
	return flow.Foreach(f.Names, f.Each) // want "FLOW021 .*Names has type map\\[string\\]bool"
}

func (f *Counted) Each(c *flow.Context) flow.Next { return flow.Goto(f.Join2) }

func (f *Counted) Join2(c *flow.Context, in flow.Inputs[Counted]) flow.Next {
	return flow.Goto(f.ThenJoin2)
}

func (f *Counted) ThenJoin2(c *flow.Context) flow.Next {
	return flow.Foreach(f.Cells, f.Cell) // want "FLOW021 .*Cells has type Grid"
}

func (f *Counted) Cell(c *flow.Context) flow.Next { return flow.Goto(f.Join3) }

func (f *Counted) Join3(c *flow.Context, in flow.Inputs[Counted]) flow.Next { return flow.Goto(f.End) }

func (f *Counted) End(c *flow.Context) {}
