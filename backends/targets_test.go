package backends_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends"
	_ "github.com/flowc-dev/flowc/backends/argo"
	_ "github.com/flowc-dev/flowc/backends/local"
	_ "github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

var update = flag.Bool("update", false, "rewrite the support lists in docs/")

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

// TestSupportComplete: every directive and attribute the front end knows
// has a rule on every target, and no rule names one it does not know, so
// a new directive or attribute is decided on each target, never silently
// ignored (and one the table lacks would be refused, see
// TestSupportDiagnose).
func TestSupportComplete(t *testing.T) {
	schema := parser.DirectiveAttrs()
	if len(schema) < 13 {
		t.Fatalf("parser.DirectiveAttrs has %d directives, want every one", len(schema))
	}
	for _, name := range backends.Names() {
		tg, _ := backends.Lookup(name)
		missing, unknown := tg.Support().Missing(schema)
		for _, m := range missing {
			t.Errorf("%s: no rule for %s: add Yes, No(why) or Ignored(why) to its Support", name, m)
		}
		for _, u := range unknown {
			t.Errorf("%s: a rule names %s, which the front end does not know", name, u)
		}
	}
}

// supportDocs are the docs that list what each target refuses and
// ignores, between the markers.
var supportDocs = map[string]string{
	"argo":           "../docs/argo.md",
	"step-functions": "../docs/step-functions.md",
}

const (
	docBegin = "<!-- support table: begin (made by go test ./backends -update) -->\n"
	docEnd   = "<!-- support table: end -->\n"
)

// TestSupportDocs: the docs' lists of what a target refuses and ignores
// are its table's (-update rewrites them).
func TestSupportDocs(t *testing.T) {
	for name, path := range supportDocs {
		tg, err := backends.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc := string(data)
		i, j := strings.Index(doc, docBegin), strings.Index(doc, docEnd)
		if i < 0 || j < i {
			t.Errorf("%s has no support table between %q and %q", path, docBegin, docEnd)
			continue
		}
		want := tg.Support().Markdown()
		got := doc[i+len(docBegin) : j]
		if got == want {
			continue
		}
		if *update {
			doc = doc[:i+len(docBegin)] + want + doc[j:]
			if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s: the support list is not %s's table (go test ./backends -update rewrites it):\n--- got\n%s--- want\n%s", filepath.Base(path), name, got, want)
	}
}
