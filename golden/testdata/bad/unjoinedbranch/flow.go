package bad

import "github.com/flowc-dev/flowc/flow"

// Loose lets both branches run into End.
type Loose struct{}

func (f *Loose) Start(c *flow.Context) flow.Next {
	return flow.Branch(f.A, f.B) // want "FLOW033 .*branch that step Start starts reaches End without a join"
}

func (f *Loose) A(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Loose) B(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Loose) End(c *flow.Context) {}
