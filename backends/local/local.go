// Package local is the local target: it compiles a flow into its execution
// plan, the versioned JSON form of the IR that flowc's local runtime runs.
// Every flow a checked IR can hold runs locally, so it reports nothing.
package local

import (
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

func init() { backends.Register(Target{}) }

// Target is the local target.
type Target struct{}

// Name returns "local".
func (Target) Name() string { return "local" }

// Options are the local target's settings: it reads none, and has no
// flags of its own.
type Options struct{ backends.Common }

// NewOptions returns the local target's options.
func (Target) NewOptions() backends.Options { return &Options{} }

// Flags registers no flags: the local target has none of its own.
func (*Options) Flags(*pflag.FlagSet) {}

// Check accepts any options: the plan does not depend on them.
func (*Options) Check() error { return nil }

// Compile returns the plan as one file, FLOW.plan.json.
func (Target) Compile(f *ir.Flow, opts backends.Options) ([]backends.File, diag.List, error) {
	if _, err := backends.OptionsFor[*Options]("local", opts); err != nil {
		return nil, nil, err
	}
	data, err := ir.Encode(f)
	if err != nil {
		return nil, nil, err
	}
	return []backends.File{{Name: f.Name + ".plan.json", Data: data}}, nil, nil
}
