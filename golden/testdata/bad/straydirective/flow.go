package bad

import "github.com/flowc-dev/flowc/flow"

type Stray struct {
	Count int
}

func (f *Stray) Start(c *flow.Context) flow.Next {
	f.Count = double(2)
	return flow.Goto(f.End)
}

//flow:retry times=2 // want "FLOW003 .*//flow:retry.*not directly above"
func double(n int) int { return 2 * n }

func (f *Stray) End(c *flow.Context) {}

//flow:timeout seconds=10 // want "FLOW003"

// helper has a directive separated from it by a blank line.
func (f *Stray) helper() {}
