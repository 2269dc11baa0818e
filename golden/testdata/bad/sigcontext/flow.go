package bad

import (
	"context"

	"github.com/flowc-dev/flowc/flow"
)

// NoContext has steps that forget the *flow.Context or take it second.
type NoContext struct {
	Count int
}

func (f *NoContext) Start(c *flow.Context) flow.Next { return flow.Goto(f.Count1) }

func (f *NoContext) Count1() flow.Next { // want "FLOW012 .*Count1 must take \\*flow.Context"
	f.Count++
	return flow.Goto(f.Count2)
}

func (f *NoContext) Count2(ctx context.Context, c *flow.Context) flow.Next { // want "FLOW012 .*Count2 must take \\*flow.Context as its first"
	f.Count++
	return flow.Goto(f.End)
}

func (f *NoContext) End(c flow.Context) {} // want "FLOW012 .*End must take \\*flow.Context"
