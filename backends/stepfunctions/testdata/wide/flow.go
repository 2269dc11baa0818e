// Package wide holds Wide, a nested foreach whose inner foreach is wider
// than an inline Map takes (40 items), and a top-level foreach after it.
package wide

import (
	"fmt"

	"github.com/flowc-dev/flowc/flow"
)

// Wide fans out twice, then once more at the top.
type Wide struct {
	Width  int `flow:"param" default:"41"`
	Outer  []int
	Inner  []int
	Sum    int
	Labels []string
}

func (f *Wide) Start(c *flow.Context) flow.Next {
	f.Outer = []int{1, 2}
	return flow.Foreach(f.Outer, f.Group)
}

func (f *Wide) Group(c *flow.Context) flow.Next {
	f.Inner = make([]int, f.Width)
	for i := range f.Inner {
		f.Inner[i] = i * flow.Input[int](c)
	}
	return flow.Foreach(f.Inner, f.Item)
}

func (f *Wide) Item(c *flow.Context) flow.Next {
	f.Sum = flow.Input[int](c)
	return flow.Goto(f.JoinItems)
}

func (f *Wide) JoinItems(c *flow.Context, in flow.Inputs[Wide]) flow.Next {
	f.Sum = 0
	for _, x := range in.All() {
		f.Sum += x.Sum
	}
	return flow.Goto(f.JoinGroups)
}

func (f *Wide) JoinGroups(c *flow.Context, in flow.Inputs[Wide]) flow.Next {
	f.Sum = 0
	for _, x := range in.All() {
		f.Sum += x.Sum
	}
	return flow.Goto(f.Fan)
}

func (f *Wide) Fan(c *flow.Context) flow.Next {
	f.Labels = []string{"a", "b", "c"}
	return flow.Foreach(f.Labels, f.Label)
}

func (f *Wide) Label(c *flow.Context) flow.Next {
	f.Labels = []string{fmt.Sprint(flow.Input[string](c), f.Sum)}
	return flow.Goto(f.JoinLabels)
}

func (f *Wide) JoinLabels(c *flow.Context, in flow.Inputs[Wide]) flow.Next {
	f.Labels = nil
	for _, x := range in.All() {
		f.Labels = append(f.Labels, x.Labels...)
	}
	return flow.Goto(f.End)
}

func (f *Wide) End(c *flow.Context) {}
