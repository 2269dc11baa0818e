// Package params is a test flow whose Start step keeps the values of its
// parameters as artifacts, and records whether a file named X exists
// where a shell that ran a value's $(touch X) would have made it.
package params

import (
	"os"
	"path/filepath"

	"github.com/flowc-dev/flowc/flow"
)

// Params has a parameter of each kind: a string, a JSON object, a list
// and a number.
type Params struct {
	Text   string         `flow:"param" default:"plain"`
	Object map[string]any `flow:"param" default:"{}"`
	Items  []string       `flow:"param" default:"a,b"`
	Count  int            `flow:"param" default:"1"`

	// What Start saw of the parameters.
	SeenText   string
	SeenObject map[string]any
	SeenItems  []string
	SeenCount  int
	// Created lists the files named X that exist when Start runs: in its
	// working directory, its home and the temporary directory.
	Created []string
}

// Start copies the parameters and looks for X.
func (f *Params) Start(c *flow.Context) flow.Next {
	f.SeenText, f.SeenObject, f.SeenItems, f.SeenCount = f.Text, f.Object, f.Items, f.Count
	f.Created = []string{}
	for _, dir := range []string{".", os.Getenv("HOME"), os.TempDir(), "/"} {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "X")); err == nil {
			f.Created = append(f.Created, filepath.Join(dir, "X"))
		}
	}
	return flow.Goto(f.End)
}

// End ends.
func (f *Params) End(c *flow.Context) {}
