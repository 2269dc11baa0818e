// Package hang is a test flow whose step ignores its context and outlives
// its timeout on every attempt.
package hang

import (
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Hang has a step that sleeps far past its timeout.
type Hang struct {
	Done bool
}

// Start goes to Stuck.
func (f *Hang) Start(c *flow.Context) flow.Next { return flow.Goto(f.Stuck) }

// Stuck sleeps five minutes, deaf to c.Context().
//
//flow:retry times=1
//flow:timeout seconds=1
func (f *Hang) Stuck(c *flow.Context) flow.Next {
	time.Sleep(300 * time.Second)
	f.Done = true
	return flow.Goto(f.End)
}

// End ends.
func (f *Hang) End(c *flow.Context) {}
