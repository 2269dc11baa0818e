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

// support is the local target's column of the directive × attribute table
// (see backends.Support). flowc run runs the plan on this machine: what
// shapes a remote container or starts a run elsewhere has no effect here.
var support = backends.Support{
	"retry":                         backends.Yes,
	"retry times":                   backends.Yes,
	"retry minutes_between_retries": backends.Ignored("flowc run starts the next attempt at once"),
	"catch":                         backends.Yes,
	"catch var print_exception":     backends.Yes,
	"timeout":                       backends.Yes,
	"timeout seconds minutes hours": backends.Yes,
	"resources":                     backends.Ignored("a task is a process on this machine; nothing reserves resources for it"),
	"environment":                   backends.Yes,
	"environment vars":              backends.Yes,
	"secrets":                       backends.Yes,
	"secrets sources":               backends.Yes,
	"secrets allow_override":        backends.Yes,
	"secrets role":                  backends.Ignored("flowc run reads secrets with your own credentials (--secrets-provider)"),
	"cache":                         backends.Yes,
	"card":                          backends.Yes,
	"card type id timeout options refresh_interval save_errors": backends.Yes,
	"kubernetes":                    backends.Ignored("it shapes the step's pod on argo; a local task is a process"),
	"batch":                         backends.Ignored("it shapes the step's Batch job on step-functions; a local task is a process"),
	"schedule":                      backends.Ignored("flowc run starts a run now; a schedule is an orchestrator's"),
	"project":                       backends.Ignored("it names a deployment on an orchestrator"),
	"trigger":                       backends.Ignored("flowc run starts a run now; events start runs on an orchestrator"),
	"trigger_on_finish":             backends.Ignored("flowc run starts a run now; events start runs on an orchestrator"),
	"exit_hook":                     backends.Yes,
	"exit_hook on_success on_error": backends.Yes,
}

// Support returns the local target's column of the support table.
func (Target) Support() backends.Support { return support }

// Compile returns the plan as one file, FLOW.plan.json.
func (Target) Compile(f *ir.Flow, opts backends.Options) ([]backends.File, diag.List, error) {
	o, err := backends.OptionsFor[*Options]("local", opts)
	if err != nil {
		return nil, nil, err
	}
	if diags := support.Diagnose("local", o.Dir, f); len(diags) > 0 {
		return nil, diags, nil
	}
	data, err := ir.Encode(f)
	if err != nil {
		return nil, nil, err
	}
	return []backends.File{{Name: f.Name + ".plan.json", Data: data}}, nil, nil
}
