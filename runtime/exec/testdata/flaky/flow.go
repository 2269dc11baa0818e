// Package flaky is a test flow whose step fails on its first two attempts.
package flaky

import (
	"fmt"

	"github.com/flowc-dev/flowc/flow"
)

// Flaky retries a failing step until it succeeds.
type Flaky struct {
	// Retries is the c.RetryCount() of the attempt that succeeded.
	Retries int
}

// Start goes to Try.
func (f *Flaky) Start(c *flow.Context) flow.Next { return flow.Goto(f.Try) }

// Try fails on attempts 0 and 1.
//
//flow:retry times=2
func (f *Flaky) Try(c *flow.Context) (flow.Next, error) {
	if c.RetryCount() < 2 {
		return nil, fmt.Errorf("flaky failure on attempt %d", c.RetryCount())
	}
	f.Retries = c.RetryCount()
	return flow.Goto(f.End), nil
}

// End ends.
func (f *Flaky) End(c *flow.Context) {}
