package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/diag"
)

// writeModule writes a module with a flow that keeps a lib.Model artifact;
// lib.Model's body is model.
func writeModule(t *testing.T, dir, model string) {
	t.Helper()
	files := map[string]string{
		"go.mod":     "module example.com/m\n\ngo 1.26\n",
		"lib/lib.go": "package lib\n\n// Model is a model.\ntype Model struct{ " + model + " }\n",
		"flow.go": `package m

import (
	"example.com/m/lib"

	"github.com/flowc-dev/flowc/flow"
)

type F struct {
	Model lib.Model
}

func (f *F) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *F) End(c *flow.Context) {}
`,
	}
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func codes(l diag.List) string {
	var out []string
	for _, d := range l {
		out = append(out, string(d.Code))
	}
	return strings.Join(out, " ")
}

// TestImportsFollowSourceChanges: the flow's imports are type-checked from
// export data that go list finds, kept in memory and on disk; a change to
// an imported package of the module is seen by the next load, in the same
// process and in a new one (the disk cache), and package flow comes from
// flowc's own copy when the module does not provide it.
func TestImportsFollowSourceChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	// The flow cache moves to a temporary directory; Go's build cache,
	// which holds the standard library's export data, stays where it is.
	if os.Getenv("GOCACHE") == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			t.Skip(err)
		}
		t.Setenv("GOCACHE", filepath.Join(base, "go-build"))
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	step, last := 0, ""
	check := func(model, want string, forget bool, wantRuns int64) {
		t.Helper()
		runs := goListRuns.Load()
		step++
		if model != last {
			last = model
			writeModule(t, dir, model)
			// Each version of lib.go gets its own modification time,
			// whatever the file system's clock resolution.
			mtime := time.Now().Add(time.Duration(step) * time.Second)
			if err := os.Chtimes(filepath.Join(dir, "lib", "lib.go"), mtime, mtime); err != nil {
				t.Fatal(err)
			}
		}
		if forget { // as a new process would: nothing in memory
			importers.Lock()
			importers.m = nil
			importers.Unlock()
		}
		pkg, diags := Load(dir, Options{})
		if pkg == nil || len(pkg.Flows) != 1 {
			t.Fatalf("step %d: no flow: %v", step, diags)
		}
		if got := codes(diags); got != want {
			t.Errorf("step %d, lib.Model{%s}: diagnostics %q, want %q (%v)", step, model, got, want, diags)
		}
		if n := goListRuns.Load() - runs; n != wantRuns {
			t.Errorf("step %d: go list ran %d times, want %d", step, n, wantRuns)
		}
	}
	check("weights []float64", "FLOW070", false, 1)
	check("weights []float64", "FLOW070", false, 0) // unchanged: from memory
	check("Weights []float64", "", false, 1)
	check("weights []float64 /* hidden again */", "FLOW070", true, 1)
	check("weights []float64 /* hidden again */", "FLOW070", true, 0) // unchanged: from disk
	cached, _ := filepath.Glob(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "flowc", "golist", "*", "*.json"))
	if len(cached) != 1 {
		t.Errorf("go list answers on disk: %v, want one", cached)
	}
}

// TestNoGoCommand: without the go command, package flow cannot be loaded;
// that is the one diagnostic, at the import, not "no flow" or a wrong
// signature on every step.
func TestNoGoCommand(t *testing.T) {
	dir := t.TempDir()
	writeModule(t, dir, "Weights []float64")
	t.Setenv("PATH", "")
	importers.Lock()
	importers.m = nil
	importers.Unlock()
	t.Cleanup(func() {
		importers.Lock()
		importers.m = nil
		importers.Unlock()
	})
	pkg, diags := Load(dir, Options{})
	if pkg != nil || len(diags) != 1 || diags[0].Code != diag.NoFlow || diags[0].Pos.Line != 6 ||
		!strings.Contains(diags[0].Message, "needs the go command") {
		t.Errorf("Load without go: package %v, diagnostics %v", pkg, diags)
	}
}
