package bad

import fl "github.com/flowc-dev/flowc/flow"

// Fit uses the flow package under another name.
//
//flow:retry times=5 // want "FLOW063 .*times=5"
func (f *Spread) Fit(c *fl.Context) fl.Next {
	n := fl.Input[int](c) // want "FLOW022 .*Input\\[int\\] in step Fit, but foreach Start splits Shards, whose elements are string"
	_ = n
	return fl.Goto(f.Join)
}

// Join is where the foreach ends.
func (f *Spread) Join(c *fl.Context, in fl.Inputs[Spread]) fl.Next { return fl.Goto(f.End) }
