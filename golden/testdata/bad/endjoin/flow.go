package bad

import "github.com/flowc-dev/flowc/flow"

// JoinsAtEnd lets its branches meet in End.
type JoinsAtEnd struct {
	Left, Right int
}

// Start branches; its branches meet in End, which cannot be a join.
func (f *JoinsAtEnd) Start(c *flow.Context) flow.Next {
	return flow.Branch(f.A, f.B)
}

func (f *JoinsAtEnd) A(c *flow.Context) flow.Next {
	f.Left = 1
	return flow.Goto(f.End)
}

func (f *JoinsAtEnd) B(c *flow.Context) flow.Next {
	f.Right = 2
	return flow.Goto(f.End)
}

func (f *JoinsAtEnd) End(c *flow.Context, in flow.Inputs[JoinsAtEnd]) error { // want "FLOW015 .*End cannot be a join"
	return nil
}
