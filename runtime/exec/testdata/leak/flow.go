// Package leak is a test flow whose step starts a child process, then runs
// past its timeout: it returns when its context is cancelled (Mode return)
// or ignores it (Mode deaf).
package leak

import (
	"os/exec"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Leak starts a sleep it never waits for.
type Leak struct {
	Mode string `flow:"param" default:"return"`
}

// Start goes to Spawn.
func (f *Leak) Start(c *flow.Context) flow.Next { return flow.Goto(f.Spawn) }

// Spawn starts `sleep 300` and overruns its timeout.
//
//flow:timeout seconds=1
func (f *Leak) Spawn(c *flow.Context) (flow.Next, error) {
	if err := exec.Command("sleep", "300").Start(); err != nil {
		return nil, err
	}
	if f.Mode == "deaf" {
		time.Sleep(300 * time.Second)
	}
	<-c.Context().Done()
	if err := c.Context().Err(); err != nil {
		return nil, err
	}
	return flow.Goto(f.End), nil
}

// End ends.
func (f *Leak) End(c *flow.Context) {}
