package bad

import "github.com/flowc-dev/flowc/flow"

// Syntax has directive lines that do not parse.
//
//flow:trigger events=[a, b // want "FLOW062 .*unterminated list: missing \\]"
type Syntax struct{}

func (f *Syntax) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:card id="summary // want `FLOW062 .*unterminated quoted string`
//flow:retry times 3 // want "FLOW062 .*times needs a value: times=value"
//flow:environment vars={A=1 // want "FLOW062 .*unterminated map"
//flow:secrets sources=[db]role=x // want "FLOW062 .*separate attributes with spaces"
func (f *Syntax) Fit(c *flow.Context) flow.Next { return flow.Goto(f.Report) }

//flow:resources cpu=[1, 2 // want "FLOW062 .*unterminated list"
func (f *Syntax) Report(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Syntax) End(c *flow.Context) {}
