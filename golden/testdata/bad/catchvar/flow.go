package bad

import "github.com/flowc-dev/flowc/flow"

// Catches stores caught errors where they cannot go.
type Catches struct {
	Failure  *flow.CaughtError
	Message  string
	Last     flow.CaughtError
	Attempts int `flow:"param" default:"1"`
	failure  *flow.CaughtError
}

func (f *Catches) Start(c *flow.Context) flow.Next { return flow.Goto(f.A) }

//flow:catch var=Failur // want "FLOW066 .*catch var=Failur: the flow has no exported field Failur; add Failur \\*flow.CaughtError \\(did you mean Failure\\?\\)"
func (f *Catches) A(c *flow.Context) flow.Next { return flow.Goto(f.B) }

//flow:catch var=Message // want "FLOW066 .*field Message must be an artifact of type \\*flow.CaughtError, not string"
func (f *Catches) B(c *flow.Context) flow.Next { return flow.Goto(f.C) }

//flow:catch var=Last // want "FLOW066 .*Last .*not flow.CaughtError"
func (f *Catches) C(c *flow.Context) flow.Next { return flow.Goto(f.D) }

//flow:catch var=Attempts // want "FLOW066 .*Attempts must be an artifact"
func (f *Catches) D(c *flow.Context) flow.Next { return flow.Goto(f.E) }

//flow:catch var=failure // want "FLOW066 .*no exported field failure"
func (f *Catches) E(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Catches) End(c *flow.Context) {}
