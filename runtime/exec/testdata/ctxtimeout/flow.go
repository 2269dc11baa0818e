// Package ctxtimeout is a test flow whose step stops when its context is
// cancelled at the timeout.
package ctxtimeout

import (
	"fmt"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// CtxTimeout has a step that waits for its context.
type CtxTimeout struct {
	Done bool
}

// Start goes to Wait.
func (f *CtxTimeout) Start(c *flow.Context) flow.Next { return flow.Goto(f.Wait) }

// Wait would take five minutes but gives up when c.Context() is done.
//
//flow:timeout seconds=1
func (f *CtxTimeout) Wait(c *flow.Context) (flow.Next, error) {
	select {
	case <-time.After(300 * time.Second):
	case <-c.Context().Done():
		return nil, fmt.Errorf("wait: %w", c.Context().Err())
	}
	f.Done = true
	return flow.Goto(f.End), nil
}

// End ends.
func (f *CtxTimeout) End(c *flow.Context) {}
