package bad

import "github.com/flowc-dev/flowc/flow"

// Typos names things that are not steps.
type Typos struct {
	Model string
	Score float64
}

func (f *Typos) Start(c *flow.Context) flow.Next {
	if f.Score > 0 {
		return flow.Goto(f.Trian) // want "FLOW019 .*Trian, which is no step \\(did you mean Train\\?\\)"
	}
	return flow.Goto(f.Train)
}

func (f *Typos) Train(c *flow.Context) flow.Next {
	switch {
	case f.Score > 0.5:
		return flow.Goto(f.helper) // want "FLOW019 .*helper, which is a method that is not a step"
	case f.Score > 0.4:
		return flow.Goto(f.Model) // want "FLOW019 .*Model, which is a field, not a step"
	case f.Score > 0.3:
		return flow.Goto(f.end) // want "FLOW019 .*end, which is no step \\(did you mean End\\?\\)"
	case f.Score > 0.2:
		return flow.Goto(f.Fan)
	}
	return flow.Goto(f.End)
}

// Fan branches to two steps that do not exist: both are reported.
func (f *Typos) Fan(c *flow.Context) flow.Next {
	return flow.Branch(f.Left, f.Right) // want "FLOW019 .*Fan goes to Left, which is no step" "FLOW019 .*Fan goes to Right, which is no step"
}

func (f *Typos) helper() {}

func (f *Typos) End(c *flow.Context) {}
