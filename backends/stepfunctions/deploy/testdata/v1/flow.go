// Package events is Events before (v1) a deploy that drops an event.
package events

import "github.com/flowc-dev/flowc/flow"

// Events runs on events.
//
//flow:trigger events=[data_ready, model_ready]
type Events struct{}

func (f *Events) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Events) End(c *flow.Context) {}
