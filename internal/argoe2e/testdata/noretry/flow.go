// Package noretry is a test flow whose step, under retry and catch, fails
// in a way no retry can help: it returns no transition, which its plan
// does not allow. flowc run neither retries nor catches such a failure.
package noretry

import "github.com/flowc-dev/flowc/flow"

// NoRetry has a step that returns no transition.
type NoRetry struct {
	Failure *flow.CaughtError
}

// Start goes to Lost.
func (f *NoRetry) Start(c *flow.Context) flow.Next { return flow.Goto(f.Lost) }

// Lost returns no transition on every attempt.
//
//flow:retry times=2
//flow:catch var=Failure
func (f *NoRetry) Lost(c *flow.Context) (flow.Next, error) {
	if c.RetryCount() >= 0 {
		return nil, nil
	}
	return flow.Goto(f.End), nil
}

// End ends.
func (f *NoRetry) End(c *flow.Context) {}
