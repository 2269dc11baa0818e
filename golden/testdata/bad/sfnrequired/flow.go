package bad

import "github.com/flowc-dev/flowc/flow"

// Unattended is scheduled, but nobody gives its required parameter a
// value: step-functions refuses it as argo does.
//
//flow:schedule cron="0 2 * * *" // want "FLOW080 .*parameter owner is required and has no default"
type Unattended struct {
	Owner string `flow:"param,required" help:"who answers"`
}

func (f *Unattended) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Unattended) End(c *flow.Context) {}
