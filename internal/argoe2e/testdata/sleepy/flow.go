// Package sleepy is a flow of internal/argoe2e's operations tests
// (ops_test.go): its Start step prints a line and sleeps for a parameter's
// seconds, so that a test can catch a run while it runs and stop, suspend
// or read it. Two steps, so a run costs two pods and the exit handler's.
// Its schedule (January 1st) and its trigger (an event nothing sends)
// never start a run during a test: they are there so that deploy makes a
// CronWorkflow and a Sensor for flowc argo list and delete.
package sleepy

import (
	"fmt"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Sleepy sleeps in Start.
//
//flow:schedule cron="0 0 1 1 *"
//flow:trigger event=flowc.e2e.never
type Sleepy struct {
	Seconds int `flow:"param" default:"0" help:"how long Start sleeps, in seconds"`
}

// Start prints a line, then sleeps Seconds (or until it is stopped).
func (f *Sleepy) Start(c *flow.Context) flow.Next {
	fmt.Printf("sleepy: run %s sleeps %d s\n", c.RunID(), f.Seconds)
	select {
	case <-c.Context().Done():
	case <-time.After(time.Duration(f.Seconds) * time.Second):
	}
	return flow.Goto(f.End)
}

// End prints a line.
func (f *Sleepy) End(c *flow.Context) {
	fmt.Printf("sleepy: run %s ends\n", c.RunID())
}
