// Package backends defines what a flowc target is: something that compiles
// an analysed flow (an ir.Flow) into the files an orchestrator takes, and
// declares what it cannot express so that a flow using it fails at compile
// time, at the directive's position. Each target lives in its own package
// below this one; a target imports ir and diag, never the parser or another
// target.
package backends

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// File is one file a target emits.
type File struct {
	Name string // a file name, no directories
	Data []byte
}

// Options are the settings every target may read; a target ignores those
// it does not need.
type Options struct {
	// Dir is the flow's package directory: diagnostics name files below it.
	Dir string
	// Image is the container image that holds the flow's task runner at
	// RunnerPath (argo, step-functions), ideally pinned by digest.
	Image string
	// DatastoreRoot is the datastore the tasks read and write, as the
	// runner's --datastore-root takes it (s3://bucket/prefix for remote
	// targets).
	DatastoreRoot string
	// Namespace is the Kubernetes namespace (argo).
	Namespace string
	// MaxWorkers caps the tasks that run at once (argo: parallelism); 0
	// leaves the target's default.
	MaxWorkers int
	// JobQueue is the AWS Batch job queue and Role the IAM role ARN the
	// jobs run as (step-functions).
	JobQueue, Role string
}

// OptionChecker is implemented by a target that needs some Options set:
// CheckOptions names the missing or invalid flag, and flowc compile
// reports it as a usage error.
type OptionChecker interface {
	CheckOptions(opts Options) error
}

// Target compiles flows for one orchestrator.
type Target interface {
	// Name is the --target value.
	Name() string
	// Compile turns f into files. Diagnostics name what the target cannot
	// express, at the position of the directive or step that asks for it.
	// An error is a failure of flowc itself, not of the flow.
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
