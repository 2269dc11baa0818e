package bad

import "github.com/flowc-dev/flowc/flow"

// Tangle joins a branch of Start with the branches of A, a split inside
// another branch.
type Tangle struct{}

func (f *Tangle) Start(c *flow.Context) flow.Next { return flow.Branch(f.A, f.B) }

func (f *Tangle) A(c *flow.Context) flow.Next { return flow.Branch(f.A1, f.A2) }

func (f *Tangle) A1(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Tangle) A2(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Tangle) B(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Tangle) Join(c *flow.Context, in flow.Inputs[Tangle]) flow.Next { // want "FLOW034 .*Join joins steps from unrelated splits"
	return flow.Goto(f.Outer)
}

// Outer is checked with the branches that reached Join first, A1's, so it
// misses B: a consequence of the unrelated join, reported too.
func (f *Tangle) Outer(c *flow.Context, in flow.Inputs[Tangle]) flow.Next { // want "FLOW034 .*Outer closes the branch of step Start, but branch B does not lead to it"
	return flow.Goto(f.End)
}

func (f *Tangle) End(c *flow.Context) {}
