// Package stoparm is a test flow with two branches: one fails, the other
// sleeps, deaf to its context, long past the failure.
package stoparm

import (
	"errors"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// StopArm fails in one branch while the other sleeps.
type StopArm struct {
	Failed bool
	Slept  bool
}

// Start starts both branches.
func (f *StopArm) Start(c *flow.Context) flow.Next { return flow.Branch(f.Fail, f.Sleep) }

// Fail fails after a moment, once Sleep is surely running.
func (f *StopArm) Fail(c *flow.Context) (flow.Next, error) {
	time.Sleep(time.Second)
	if !f.Failed {
		return nil, errors.New("this arm fails")
	}
	return flow.Goto(f.Join), nil
}

// Sleep sleeps five minutes, unless it is stopped.
func (f *StopArm) Sleep(c *flow.Context) flow.Next {
	time.Sleep(300 * time.Second)
	f.Slept = true
	return flow.Goto(f.Join)
}

// Join would merge the branches.
func (f *StopArm) Join(c *flow.Context, in flow.Inputs[StopArm]) flow.Next { return flow.Goto(f.End) }

// End ends.
func (f *StopArm) End(c *flow.Context) {}
