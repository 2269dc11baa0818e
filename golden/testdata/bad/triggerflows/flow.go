package bad

import "github.com/flowc-dev/flowc/flow"

// Triggered waits for a flow and for flows, and for an event and events.
//
//flow:trigger_on_finish flow=Training flows=[Scoring, Report] // want "FLOW067 .*trigger_on_finish takes flow= or flows=, not both"
//flow:trigger event=data_ready events=[a, b] // want "FLOW067 .*trigger takes event= or events=, not both"
//flow:project name=fraud branch=test production=true // want "FLOW067 .*project takes branch= or production=true, not both"
type Triggered struct{}

func (f *Triggered) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Triggered) End(c *flow.Context) {}
