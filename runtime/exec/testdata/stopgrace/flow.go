// Package stopgrace is a test flow with two branches: one fails, the other
// finishes in the grace period the stop gives it.
package stopgrace

import (
	"errors"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// StopGrace fails in one branch while the other finishes late.
type StopGrace struct {
	Finished bool
}

// Start starts both branches.
func (f *StopGrace) Start(c *flow.Context) flow.Next { return flow.Branch(f.Fail, f.Late) }

// Fail fails after a moment, once Late is surely running.
func (f *StopGrace) Fail(c *flow.Context) (flow.Next, error) {
	time.Sleep(time.Second)
	if !f.Finished {
		return nil, errors.New("this arm fails")
	}
	return flow.Goto(f.Join), nil
}

// Late waits to be stopped, then finishes anyway, within the grace period.
func (f *StopGrace) Late(c *flow.Context) flow.Next {
	<-c.Context().Done()
	time.Sleep(300 * time.Millisecond)
	f.Finished = true
	return flow.Goto(f.Join)
}

// Join would merge the branches.
func (f *StopGrace) Join(c *flow.Context, in flow.Inputs[StopGrace]) flow.Next {
	return flow.Goto(f.End)
}

// End ends.
func (f *StopGrace) End(c *flow.Context) {}
