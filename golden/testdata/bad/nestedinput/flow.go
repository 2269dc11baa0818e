package bad

import "github.com/flowc-dev/flowc/flow"

// Nested reads the outer foreach's element type in the inner foreach:
// flow.Input gives the innermost foreach's element.
type Nested struct {
	Regions []string
	Sizes   []int
}

func (f *Nested) Start(c *flow.Context) flow.Next {
	f.Regions = []string{"eu", "us"}
	return flow.Foreach(f.Regions, f.Region)
}

func (f *Nested) Region(c *flow.Context) flow.Next {
	_ = flow.Input[string](c)
	f.Sizes = []int{1, 2, 3}
	return flow.Foreach(f.Sizes, f.Size)
}

func (f *Nested) Size(c *flow.Context) flow.Next {
	region := flow.Input[string](c) // want "FLOW022 .*Input\\[string\\] in step Size, but foreach Region splits Sizes, whose elements are int"
	_ = region
	return flow.Goto(f.JoinSizes)
}

func (f *Nested) JoinSizes(c *flow.Context, in flow.Inputs[Nested]) flow.Next {
	return flow.Goto(f.JoinRegions)
}

func (f *Nested) JoinRegions(c *flow.Context, in flow.Inputs[Nested]) flow.Next {
	return flow.Goto(f.End)
}

func (f *Nested) End(c *flow.Context) {}
