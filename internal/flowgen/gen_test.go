package flowgen_test

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/internal/flowgen"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

// load runs the front end on src as `flowc check` would, from memory:
// parser.LoadFiles, then check.Flow on every flow. It fails the test on
// any diagnostic and returns the one flow.
func load(t *testing.T, src []byte) *ir.Flow {
	t.Helper()
	dir := t.TempDir()
	pkg, diags := parser.LoadFiles(dir, map[string][]byte{"flow.go": src}, parser.Options{})
	if pkg == nil {
		t.Fatalf("parser.LoadFiles: no package; diagnostics:\n%s", diags.Error())
	}
	for _, f := range pkg.Flows {
		diags = append(diags, check.Flow(f)...)
	}
	if len(diags) > 0 {
		t.Fatalf("%d diagnostics, want none; the first ones:\n%s", len(diags), firstLines(diags.Sorted().Error(), 20))
	}
	if len(pkg.Flows) != 1 {
		t.Fatalf("%d flows, want 1", len(pkg.Flows))
	}
	return pkg.Flows[0]
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

func TestGeneratedFlowsAreValid(t *testing.T) {
	for _, steps := range []int{2, 3, 4, 10, 37, 100, 1000, 10000} {
		seeds := []uint64{1, 2, 3, 42, 1 << 40}
		if steps >= 10000 {
			seeds = seeds[:2]
			if testing.Short() {
				continue
			}
		}
		for _, seed := range seeds {
			t.Run(fmt.Sprintf("steps=%d/seed=%d", steps, seed), func(t *testing.T) {
				f := load(t, flowgen.Generate("Gen", steps, seed))
				if got := len(f.Steps); got*100 < steps*95 || got*100 > steps*105 {
					t.Errorf("%d steps, want %d within 5%%", got, steps)
				}
				if len(f.Graph.Order) != len(f.Steps) {
					t.Errorf("topological order has %d steps of %d", len(f.Graph.Order), len(f.Steps))
				}
			})
		}
	}
}

// TestMix checks that a flow of a thousand steps holds every shape the
// generator promises, so the benchmarks measure a realistic mix.
func TestMix(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		f := load(t, flowgen.Generate("Mix", 1000, seed))
		count := map[string]int{}
		for _, s := range f.Steps {
			count[string(s.Kind)]++
			if s.SelfLoop {
				count["self-loop"]++
			}
			if len(s.Foreach) >= 2 {
				count["nested foreach"]++
			}
			if s.Kind == ir.KindBranch && len(s.Next) >= 3 {
				count["branch of 3+"]++
			}
			if s.InputType == "string" {
				count["flow.Input"]++
			}
			d := s.Decorators
			for name, set := range map[string]bool{"retry": d.Retry != nil, "resources": d.Resources != nil,
				"timeout": d.Timeout != nil, "catch": d.Catch != nil} {
				if set {
					count["//flow:"+name]++
				}
			}
			if s.ReturnsError {
				count["returns error"]++
			}
		}
		for _, k := range []string{"linear", "branch", "foreach", "join", "conditional", "self-loop", "nested foreach",
			"branch of 3+", "flow.Input", "//flow:retry", "//flow:resources", "//flow:timeout", "//flow:catch", "returns error"} {
			if count[k] == 0 {
				t.Errorf("seed %d: no %s step among 1000; counts: %v", seed, k, count)
			}
		}
		t.Logf("seed %d: %v", seed, count)
		if count["join"] != count["branch"]+count["foreach"] {
			t.Errorf("seed %d: %d joins for %d branches and %d foreach", seed, count["join"], count["branch"], count["foreach"])
		}
		if len(f.Params) < 3 || f.Decorators.Project == nil {
			t.Errorf("seed %d: %d parameters, project %v; want parameters and a project", seed, len(f.Params), f.Decorators.Project)
		}
	}
}

func TestDeterministicAndFormatted(t *testing.T) {
	a := flowgen.Generate("Gen", 500, 7)
	if b := flowgen.Generate("Gen", 500, 7); !bytes.Equal(a, b) {
		t.Error("two calls with the same arguments differ")
	}
	if c := flowgen.Generate("Gen", 500, 8); bytes.Equal(a, c) {
		t.Error("seeds 7 and 8 give the same flow")
	}
	formatted, err := format.Source(a)
	if err != nil || !bytes.Equal(formatted, a) {
		t.Errorf("the source is not gofmt'ed (err %v)", err)
	}
}

func TestBadName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Generate accepted the name lowerCase")
		}
	}()
	flowgen.Generate("lowerCase", 10, 1)
}

// TestBuilds type-checks a generated flow with go vet against this
// module's package flow, in a throwaway module that replaces flowc with
// this checkout: the flows are ordinary Go that builds.
func TestBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module gentest\n\ngo 1.26\n\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"go.mod":    []byte(gomod),
		"go.sum":    sum,
		"a/flow.go": flowgen.Generate("Alpha", 300, 1),
		"b/flow.go": flowgen.Generate("Beta", 300, 2),
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(gobin, "vet", "-mod=mod", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet of generated flows: %v\n%s", err, firstLines(string(out), 30))
	}
}
