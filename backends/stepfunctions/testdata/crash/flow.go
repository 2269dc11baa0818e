// Package crash is a test flow whose caught step kills its own process on
// every attempt, so that the state machine, not the runner, must see to
// the catch.
package crash

import (
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/flow"
)

// Crash has a step that exits with status 3 on every attempt.
type Crash struct {
	Failure *flow.CaughtError
	Reached bool
}

// Start goes to Boom.
func (f *Crash) Start(c *flow.Context) flow.Next { return flow.Goto(f.Boom) }

// Boom exits the process without recording anything.
//
//flow:retry times=1 minutes_between_retries=0
//flow:catch var=Failure
func (f *Crash) Boom(c *flow.Context) flow.Next {
	fmt.Printf("crashing on attempt %d\n", c.RetryCount())
	os.Exit(3)
	return flow.Goto(f.End)
}

// End runs after the caught failure.
func (f *Crash) End(c *flow.Context) { f.Reached = true }
