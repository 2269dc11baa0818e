// Package backends defines what a flowc target is: something that compiles
// an analysed flow (an ir.Flow) into the files an orchestrator takes, and
// declares what it cannot express so that a flow using it fails at compile
// time, at the directive's position. Each target lives in its own package
// below this one; a target imports ir and diag, never the parser or another
// target.
package backends

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// File is one file a target emits.
type File struct {
	Name string // a file name, no directories
	Data []byte
}

// Common are the settings every target shares. flowc fills Dir; the
// others are flags (see RegisterFlags). A target reads those it needs and
// checks them in its options' Check.
type Common struct {
	// Dir is the flow's package directory: diagnostics name files below it.
	Dir string
	// Image is the container image that holds the flow's task runner at
	// RunnerPath (argo, step-functions), ideally pinned by digest.
	Image string
	// DatastoreRoot is the datastore the tasks read and write, as the
	// runner's --datastore-root takes it (s3://bucket/prefix for remote
	// targets).
	DatastoreRoot string
	// MaxWorkers caps the tasks that run at once (argo: parallelism;
	// step-functions: each foreach's MaxConcurrency); 0 leaves the
	// target's default (100 on both).
	MaxWorkers int
}

// Shared returns c; a target's options embed Common and so implement
// Options.Shared.
func (c *Common) Shared() *Common { return c }

// addFlags registers the common flags on fs, with c's values as their
// defaults.
func (c *Common) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Image, "image", c.Image, "the container image holding the flow's task runner (remote targets)")
	fs.StringVar(&c.DatastoreRoot, "datastore-root", c.DatastoreRoot, "the datastore the tasks use, s3://bucket/prefix (remote targets)")
	fs.IntVar(&c.MaxWorkers, "max-workers", c.MaxWorkers, "the most tasks running at once: argo's parallelism, step-functions' MaxConcurrency of each foreach; 0 for the target's default, 100 on both (as Metaflow's max-workers)")
}

// Options are one target's settings: the common ones and the target's own.
// Each target has its own type (argo.Options, stepfunctions.Options, ...),
// a pointer to a struct that embeds Common; Target.NewOptions makes one.
type Options interface {
	// Shared returns the settings every target shares, for flowc to
	// fill.
	Shared() *Common
	// Flags registers the target's own flags on fs (not the common
	// ones), bound to the options' fields, with help text; each flag's
	// default is the value the field holds, so a target sets its defaults
	// in NewOptions. Adding a flag to a target is a field and a line here.
	// fs may hold no other flag (flowc lists each target's own flags on a
	// set of their own), so Flags registers and touches only its own.
	Flags(fs *pflag.FlagSet)
	// Check validates the options, common ones included, as the target
	// needs them; its error names the flag, and flowc reports it as a
	// usage error.
	Check() error
}

// RegisterFlags registers the common flags and then o's own on fs. The
// common flags' defaults are the values o holds, so a target changes one
// (say --max-workers) in NewOptions.
func RegisterFlags(fs *pflag.FlagSet, o Options) {
	o.Shared().addFlags(fs)
	o.Flags(fs)
}

// OptionsFor returns opts as target's own options type T, or an error when
// they are another target's (or nil): a target's Compile starts with it.
func OptionsFor[T Options](target string, opts Options) (T, error) {
	o, ok := opts.(T)
	if !ok || reflect.ValueOf(o).IsZero() {
		var want T
		return o, fmt.Errorf("target %s was given options of type %T, not its own %T", target, opts, want)
	}
	return o, nil
}

// Target compiles flows for one orchestrator.
type Target interface {
	// Name is the --target value.
	Name() string
	// Support is the target's column of the directive × attribute
	// table: what it expresses of each directive and attribute. Compile
	// reports what it refuses (Support.Diagnose).
	Support() Support
	// NewOptions returns fresh options of the target's own type, holding
	// its defaults.
	NewOptions() Options
	// Compile turns f into files. opts are options NewOptions made (of
	// this target), already checked; another target's options are an
	// error. Diagnostics name what the target cannot express, at the
	// position of the directive or step that asks for it. An error is a
	// failure of flowc itself, not of the flow.
	Compile(f *ir.Flow, opts Options) ([]File, diag.List, error)
}

var targets = map[string]Target{}

// Register makes a target available to flowc compile. It is called from
// the target package's init.
func Register(t Target) {
	if _, dup := targets[t.Name()]; dup {
		panic("backends: target " + t.Name() + " registered twice")
	}
	targets[t.Name()] = t
}

// Lookup returns the target named name.
func Lookup(name string) (Target, error) {
	if t, ok := targets[name]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("unknown target %q; the targets are %s", name, strings.Join(Names(), ", "))
}

// Names lists the registered targets, sorted.
func Names() []string {
	var out []string
	for n := range targets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
