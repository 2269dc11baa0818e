// Package hold is a test flow whose tasks start a child process and then
// sleep, deaf to their context, with no timeout: only a stop ends them.
package hold

import (
	"os/exec"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Hold holds four tasks running.
type Hold struct {
	Items []int
}

// Start fans out.
func (f *Hold) Start(c *flow.Context) flow.Next {
	f.Items = []int{1, 2, 3, 4}
	return flow.Foreach(f.Items, f.Wait)
}

// Wait starts `sleep 300`, then sleeps five minutes itself.
func (f *Hold) Wait(c *flow.Context) (flow.Next, error) {
	if err := exec.Command("sleep", "300").Start(); err != nil {
		return nil, err
	}
	time.Sleep(300 * time.Second)
	return flow.Goto(f.Join), nil
}

// Join joins.
func (f *Hold) Join(c *flow.Context, in flow.Inputs[Hold]) flow.Next { return flow.Goto(f.End) }

// End ends.
func (f *Hold) End(c *flow.Context) {}
