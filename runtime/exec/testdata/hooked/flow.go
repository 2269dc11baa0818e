// Package hooked is a test flow with exit hooks: one that prints, one that
// panics, and one for a failed run.
package hooked

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/flow"
)

// Hooked fails when Fail is set.
//
//flow:exit_hook on_success=[Notify, Boom] on_error=Page
type Hooked struct {
	Fail bool `flow:"param" default:"false"`
}

// Notify prints the run's facts.
func Notify(ctx context.Context, r flow.RunInfo) error {
	fmt.Printf("notify %s %s\n", r.Pathspec, r.Status)
	return nil
}

// Boom panics: its failure must not change the run's result.
func Boom(ctx context.Context, r flow.RunInfo) error { panic("boom") }

// Page prints the failure.
func Page(ctx context.Context, r flow.RunInfo) error {
	fmt.Fprintf(os.Stderr, "page %s %s %s\n", r.Status, r.FailedTask, r.Error)
	return nil
}

// Start fails when asked.
func (f *Hooked) Start(c *flow.Context) (flow.Next, error) {
	if f.Fail {
		return nil, errors.New("asked to fail")
	}
	return flow.Goto(f.End), nil
}

// End ends.
func (f *Hooked) End(c *flow.Context) error { return nil }
