// Package triggered holds Triggered, a flow that an event or the end of
// another flow starts, and whose step after Start reads what started it.
package triggered

import "github.com/flowc-dev/flowc/flow"

// Triggered maps the event's table to a parameter and records its trigger.
//
//flow:trigger events=[{name=data_ready, parameters={table=table}}]
//flow:trigger_on_finish flow=Upstream
type Triggered struct {
	Table string `flow:"param" help:"the event's table"`

	Type, Name, Pathspec, Payload string
	None                          bool
}

func (f *Triggered) Start(c *flow.Context) flow.Next { return flow.Goto(f.Read) }

// Read reads the trigger the start task recorded.
func (f *Triggered) Read(c *flow.Context) flow.Next {
	t := c.Trigger()
	if t == nil {
		f.None = true
		return flow.Goto(f.End)
	}
	f.Type, f.Name, f.Pathspec, f.Payload = t.Type, t.Name, t.Pathspec, string(t.Payload)
	return flow.Goto(f.End)
}

func (f *Triggered) End(c *flow.Context) {}
