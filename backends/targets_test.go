package backends_test

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends"
	_ "github.com/flowc-dev/flowc/backends/argo"
	_ "github.com/flowc-dev/flowc/backends/local"
	_ "github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/ir"
)

// TestTargetOptions: every target makes fresh options of its own type
// whose Flags add only the target's own flags (RegisterFlags adds the
// common ones), and its Compile refuses another target's options with an
// error naming the target.
func TestTargetOptions(t *testing.T) {
	common := pflag.NewFlagSet("common", pflag.ContinueOnError)
	backends.RegisterFlags(common, noOptions{&backends.Common{}})
	for _, name := range backends.Names() {
		tg, _ := backends.Lookup(name)
		a, b := tg.NewOptions(), tg.NewOptions()
		if a == b || a.Shared() == b.Shared() {
			t.Errorf("%s: NewOptions returns the same value twice", name)
		}
		own := pflag.NewFlagSet(name, pflag.ContinueOnError)
		a.Flags(own)
		own.VisitAll(func(f *pflag.Flag) {
			if common.Lookup(f.Name) != nil {
				t.Errorf("%s: Flags registers the common flag --%s", name, f.Name)
			}
			if f.Usage == "" {
				t.Errorf("%s: flag --%s has no help text", name, f.Name)
			}
		})
		all := pflag.NewFlagSet(name, pflag.ContinueOnError)
		backends.RegisterFlags(all, a) // panics on a flag defined twice
		for _, other := range backends.Names() {
			if other == name {
				continue
			}
			ot, _ := backends.Lookup(other)
			_, _, err := tg.Compile(&ir.Flow{Name: "F"}, ot.NewOptions())
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s: Compile with %s's options: err %v, want one naming %s", name, other, err, name)
			}
		}
	}
}

// noOptions has the common options and nothing else.
type noOptions struct{ *backends.Common }

func (noOptions) Flags(*pflag.FlagSet) {}
func (noOptions) Check() error         { return nil }
