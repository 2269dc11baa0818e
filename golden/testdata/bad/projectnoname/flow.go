package bad

import "github.com/flowc-dev/flowc/flow"

// Nameless belongs to a project without a name.
//
//flow:project branch=test // want "FLOW068 .*project needs name="
//flow:trigger_on_finish // want "FLOW068 .*trigger_on_finish needs flow=NAME or flows=\\[A, B\\]"
//flow:trigger // want "FLOW068 .*trigger needs event=NAME or events="
type Nameless struct{}

func (f *Nameless) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:secrets role=reader // want "FLOW068 .*secrets needs sources="
func (f *Nameless) Fit(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Nameless) End(c *flow.Context) {}
