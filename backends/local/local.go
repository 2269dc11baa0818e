// Package local is the local target: it compiles a flow into its execution
// plan, the versioned JSON form of the IR that flowc's local runtime runs.
// Every flow a checked IR can hold runs locally, so it reports nothing.
package local

import (
	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

func init() { backends.Register(Target{}) }

// Target is the local target.
type Target struct{}

// Name returns "local".
func (Target) Name() string { return "local" }

// Compile returns the plan as one file, FLOW.plan.json.
func (Target) Compile(f *ir.Flow, _ backends.Options) ([]backends.File, diag.List, error) {
	data, err := ir.Encode(f)
	if err != nil {
		return nil, nil, err
	}
	return []backends.File{{Name: f.Name + ".plan.json", Data: data}}, nil, nil
}
