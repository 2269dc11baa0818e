package main

import (
	"slices"
	"testing"

	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/parser"
)

// TestRunFlagsReserved checks that every flag of flowc run and resume is a
// reserved name, so no flow parameter can shadow it (FLOW042).
func TestRunFlagsReserved(t *testing.T) {
	var rf runFlags
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	rf.register(fs)
	fs.String("origin-run-id", "", "")
	fs.VisitAll(func(f *pflag.Flag) {
		if !slices.Contains(parser.ReservedFlags, f.Name) {
			t.Errorf("flag --%s of flowc run is not in parser.ReservedFlags", f.Name)
		}
	})
	for _, c := range newRoot(nil, nil).Commands() {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !slices.Contains(parser.ReservedFlags, f.Name) && (c.Name() == "resume" || c.Name() == "run") {
				t.Errorf("flag --%s of flowc %s is not in parser.ReservedFlags", f.Name, c.Name())
			}
		})
	}
}

// TestTriggerArgoFlagsReserved: flowc trigger argo takes the flow's
// parameters as flags beside its own, so each of its own is reserved.
func TestTriggerArgoFlagsReserved(t *testing.T) {
	var tf triggerFlags
	fs := pflag.NewFlagSet("trigger argo", pflag.ContinueOnError)
	tf.register(fs)
	fs.VisitAll(func(f *pflag.Flag) {
		if !slices.Contains(parser.ReservedFlags, f.Name) {
			t.Errorf("flag --%s of flowc trigger argo is not in parser.ReservedFlags", f.Name)
		}
	})
}
