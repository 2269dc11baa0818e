package bad

import "github.com/flowc-dev/flowc/flow"

// With is a good flow run with bad --with flags (options.txt): each is
// reported once, at the flag, however many steps it would reach.
//
// want-file "FLOW061 retry has no attribute tims .*did you mean times"
// want-file "FLOW063 retry times=9: want a whole number from 0 to 4"
// want-file "FLOW105 schedule is a flow directive"
// want-file "FLOW060 unknown directive retyr .*did you mean retry"
// want-file "FLOW105 want attr=value pairs"
// want-file "FLOW066 catch var=Oops: the flow has no exported field Oops"
type With struct{}

func (f *With) Start(c *flow.Context) flow.Next { return flow.Goto(f.Middle) }

func (f *With) Middle(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *With) End(c *flow.Context) {}
