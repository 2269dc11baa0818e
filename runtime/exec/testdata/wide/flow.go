// Package wide is a test flow whose foreach is five tasks wide.
package wide

import "github.com/flowc-dev/flowc/flow"

// Wide fans out over five items.
type Wide struct {
	Items  []int
	Square int
	Sum    int
}

// Start makes five items.
func (f *Wide) Start(c *flow.Context) flow.Next {
	f.Items = []int{1, 2, 3, 4, 5}
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
