// Package events holds Events, a flow triggered by either of two events.
package events

import "github.com/flowc-dev/flowc/flow"

// Events runs when data_ready or model_ready arrives.
//
//flow:trigger events=[data_ready, model_ready]
type Events struct{}

func (f *Events) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Events) End(c *flow.Context) {}
