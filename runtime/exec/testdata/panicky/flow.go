// Package panicky is a test flow whose step panics.
package panicky

import (
	"fmt"

	"github.com/flowc-dev/flowc/flow"
)

// Panicky has a step that panics.
type Panicky struct {
	Value int
}

// Start goes to Explode.
func (f *Panicky) Start(c *flow.Context) flow.Next {
	f.Value = 7
	return flow.Goto(f.Explode)
}

// Explode panics with a value of its own.
func (f *Panicky) Explode(c *flow.Context) flow.Next {
	if f.Value > 0 {
		panic(fmt.Sprintf("kaboom %d", f.Value))
	}
	return flow.Goto(f.End)
}

// End ends.
func (f *Panicky) End(c *flow.Context) {}
