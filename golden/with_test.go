package golden_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

// TestWithEqualsSource compiles an example with --with for every target
// and a copy of it with the same directives written above each step, and
// wants the same output: --with changes nothing but what the directives
// would. Only the directives' positions differ (the flag, not a line), so
// the plan is compared with them cleared.
func TestWithEqualsSource(t *testing.T) {
	with := []string{"retry:times=2,minutes_between_retries=1", "timeout:seconds=600", "resources:memory=8192", "card"}
	lines := []string{"//flow:retry times=2 minutes_between_retries=1", "//flow:timeout seconds=600", "//flow:resources memory=8192", "//flow:card"}

	src := filepath.Join(examplesDir, "branch")
	pkg, diags := check.Load(src, parser.Options{With: with})
	if len(diags) > 0 {
		t.Fatalf("with --with: %v", diags)
	}
	withFlow, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}

	// The copy: every step method gets the directives written above it.
	dir := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	method := regexp.MustCompile(`(?m)^func \(f \*Stats\) [A-Z]\w*\(c \*flow\.Context`)
	steps := 0
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			data = method.ReplaceAllFunc(data, func(m []byte) []byte {
				steps++
				return []byte(strings.Join(lines, "\n") + "\n" + string(m))
			})
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if steps != len(withFlow.Steps) {
		t.Fatalf("wrote directives above %d methods, the flow has %d steps", steps, len(withFlow.Steps))
	}
	pkg, diags = check.Load(dir, parser.Options{})
	if len(diags) > 0 {
		t.Fatalf("with the directives in source: %v", diags)
	}
	srcFlow, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	// The copy lies in another directory, so another package; and its
	// lines moved down by the directives written in.
	srcFlow.Package = withFlow.Package
	for _, f := range []*ir.Flow{withFlow, srcFlow} {
		clearDirectivePos(f)
	}
	lineRE := regexp.MustCompile(`"line": \d+`)
	for _, target := range backends.Names() {
		// Both compile as if from the example's own directory.
		got, want := compile(t, target, withFlow, pkg.Dir), compile(t, target, srcFlow, pkg.Dir)
		got, want = lineRE.ReplaceAll(got, []byte(`"line": 0`)), lineRE.ReplaceAll(want, []byte(`"line": 0`))
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s: --with differs from the directives in source (-source +with):\n%s", target, diff)
		}
	}
}

// clearDirectivePos zeroes the positions of a flow's step directives.
func clearDirectivePos(f *ir.Flow) {
	for _, s := range f.Steps {
		d := &s.Decorators
		for _, p := range []*ir.Pos{posOf(d.Retry), posOf(d.Timeout), posOf(d.Resources)} {
			if p != nil {
				*p = ir.Pos{}
			}
		}
		for i := range d.Cards {
			d.Cards[i].Pos = ir.Pos{}
		}
		d.Directives = nil
	}
}

func posOf(v any) *ir.Pos {
	switch x := v.(type) {
	case *ir.Retry:
		if x != nil {
			return &x.Pos
		}
	case *ir.Timeout:
		if x != nil {
			return &x.Pos
		}
	case *ir.Resources:
		if x != nil {
			return &x.Pos
		}
	}
	return nil
}
