// Package hangcatch is a test flow whose step outlives its timeout, and
// whose failure is caught.
package hangcatch

import (
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// HangCatch has a caught step that sleeps far past its timeout.
type HangCatch struct {
	Failure *flow.CaughtError
	Done    bool
}

// Start goes to Stuck.
func (f *HangCatch) Start(c *flow.Context) flow.Next { return flow.Goto(f.Stuck) }

// Stuck sleeps five minutes, deaf to c.Context().
//
//flow:timeout seconds=1
//flow:catch var=Failure
func (f *HangCatch) Stuck(c *flow.Context) flow.Next {
	time.Sleep(300 * time.Second)
	f.Done = true
	return flow.Goto(f.End)
}

// End ends.
func (f *HangCatch) End(c *flow.Context) {}
