// Package wide is a benchmark flow: a foreach of N trivial tasks.
package wide

import "github.com/flowc-dev/flowc/flow"

// Wide fans out over N items and does nothing in each task.
type Wide struct {
	N     int `flow:"param" default:"1000"`
	Items []int
	Out   int
}

func (f *Wide) Start(c *flow.Context) flow.Next {
	f.Items = make([]int, f.N)
	for i := range f.Items {
		f.Items[i] = i
	}
	return flow.Foreach(f.Items, f.Work)
}

func (f *Wide) Work(c *flow.Context) flow.Next {
	f.Out = flow.Input[int](c)
	return flow.Goto(f.Join)
}

func (f *Wide) Join(c *flow.Context, in flow.Inputs[Wide]) flow.Next {
	for _, t := range in.All() {
		f.Out += t.Out
	}
	return flow.Goto(f.End)
}

func (f *Wide) End(c *flow.Context) error { return nil }
