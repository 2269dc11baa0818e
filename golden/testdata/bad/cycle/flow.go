package bad

import "github.com/flowc-dev/flowc/flow"

// PingPong goes from A to B and back, forever.
type PingPong struct{}

func (f *PingPong) Start(c *flow.Context) flow.Next { return flow.Goto(f.A) }

func (f *PingPong) A(c *flow.Context) flow.Next { return flow.Goto(f.B) }

func (f *PingPong) B(c *flow.Context) flow.Next { return flow.Goto(f.A) } // want "FLOW032 .*loop A -> B -> A"

func (f *PingPong) End(c *flow.Context) {} // want "FLOW031 .*End is never reached"
