// Package wide is the e2e tests' wide foreach: Start fans out over Width
// items (200 by default), each squares its item, Join adds the squares.
package wide

import "github.com/flowc-dev/flowc/flow"

// Wide fans out over Width items.
type Wide struct {
	Width  int `flow:"param" default:"200" help:"how many tasks the foreach starts"`
	Items  []int
	Square int
	Sum    int
}

// Start makes the items.
func (f *Wide) Start(c *flow.Context) flow.Next {
	for i := range f.Width {
		f.Items = append(f.Items, i)
	}
	return flow.Foreach(f.Items, f.Each)
}

// Each squares its item.
func (f *Wide) Each(c *flow.Context) flow.Next {
	n := flow.Input[int](c)
	f.Square = n * n
	return flow.Goto(f.Join)
}

// Join adds the squares.
func (f *Wide) Join(c *flow.Context, in flow.Inputs[Wide]) flow.Next {
	for _, t := range in.All() {
		f.Sum += t.Square
	}
	return flow.Goto(f.End)
}

// End ends.
func (f *Wide) End(c *flow.Context) {}
