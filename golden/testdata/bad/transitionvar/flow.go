package bad

import "github.com/flowc-dev/flowc/flow"

// Stored keeps its transitions in variables and helpers, where flowc
// cannot read them.
type Stored struct {
	Mode string `flow:"param" default:"var"`
}

func (f *Stored) Start(c *flow.Context) flow.Next {
	switch f.Mode {
	case "var":
		return flow.Goto(f.Var)
	case "helper":
		return flow.Goto(f.Helper)
	case "value":
		return flow.Goto(f.Value)
	case "bare":
		return flow.Goto(f.Bare)
	}
	return flow.Goto(f.End)
}

func (f *Stored) Var(c *flow.Context) flow.Next {
	next := flow.Goto(f.End)
	return next // want "FLOW017 .*directly, not next"
}

func (f *Stored) Helper(c *flow.Context) flow.Next {
	return f.pick() // want "FLOW017 .*not f.pick\\(\\)"
}

func (f *Stored) Value(c *flow.Context) flow.Next {
	step := f.End
	return flow.Goto(step) // want "FLOW017 .*method value, f.Step, not step"
}

func (f *Stored) Bare(c *flow.Context) (next flow.Next) {
	next = flow.Goto(f.End)
	return // want "FLOW017 .*bare return"
}

func (f *Stored) pick() flow.Next { return flow.Goto(f.End) }

func (f *Stored) End(c *flow.Context) {}
