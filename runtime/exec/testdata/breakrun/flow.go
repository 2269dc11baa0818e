// Package breakrun is a test flow whose End step makes the run document
// impossible to rewrite (a directory takes its place), as a full disk or a
// revoked permission would: the executor cannot record how the run ended.
package breakrun

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/flowc-dev/flowc/flow"
)

// BreakRun breaks its own run document.
type BreakRun struct{}

// Start goes to End.
func (f *BreakRun) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

// End fails, after putting a directory where the run document is (under
// the datastore root the test names in FLOWC_TEST_BREAK_ROOT).
func (f *BreakRun) End(c *flow.Context) error {
	doc := filepath.Join(os.Getenv("FLOWC_TEST_BREAK_ROOT"), c.FlowName(), c.RunID(), "_run.json")
	if err := os.Remove(doc); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(doc, "x"), 0o755); err != nil {
		return err
	}
	return errors.New("the run fails too")
}
