package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/parser"
)

// newUserModule writes, outside the repository, a module that requires
// only flowc (replaced by this checkout, flowc being unpublished) and holds
// the hello example: the go.mod a user writes by hand, without a go.sum.
func newUserModule(t *testing.T) string {
	t.Helper()
	checkout, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mod := "module example.com/mine\n\ngo 1.26.0\n\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => " + checkout + "\n"
	write(t, filepath.Join(dir, "go.mod"), mod)
	src, err := os.ReadFile(filepath.Join(checkout, "examples", "hello", "hello.go"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "hello", "hello.go"), string(src))
	return dir
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBuildLeavesUserModuleAlone builds the runner of a flow in a fresh
// module that lists none of the runner's dependencies and has no go.sum:
// under -mod=readonly, and offline (GOPROXY=off) with -mod=mod. Neither
// build may write the user's go.mod or go.sum.
func TestBuildLeavesUserModuleAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds runners")
	}
	for _, tc := range []struct{ name, goflags, goproxy string }{
		{"readonly", "-mod=readonly", ""},
		{"offline", "-mod=mod", "off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newUserModule(t)
			t.Setenv("GOFLAGS", tc.goflags)
			if tc.goproxy != "" {
				t.Setenv("GOPROXY", tc.goproxy)
			}
			// The user's own build of their package works as it is.
			vet := exec.Command("go", "vet", "./...")
			vet.Dir = dir
			if out, err := vet.CombinedOutput(); err != nil {
				t.Fatalf("go vet in the user's module: %v\n%s", err, out)
			}
			before, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
			pkg, diags := check.Load(filepath.Join(dir, "hello"), parser.Options{})
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			var seen []Progress
			progress := func(p Progress) { seen = append(seen, p) }
			r, err := Build(context.Background(), pkg.Dir, pkg.Flows[0], Options{CacheDir: t.TempDir(), Version: "test", Progress: progress})
			if err != nil {
				t.Fatal(err)
			}
			// The build reported its start, the packages it compiled (the
			// flow's own at least, new in this module) and its end, once.
			if len(seen) < 2 || seen[0].Done || seen[0].Compiled != 0 {
				t.Fatalf("progress calls %+v", seen)
			}
			last := seen[len(seen)-1]
			if !last.Done || last.Compiled < 1 || last.Total != 0 && last.Total < last.Compiled {
				t.Errorf("last progress %+v", last)
			}
			for _, p := range seen[:len(seen)-1] {
				if p.Done {
					t.Errorf("Done before the end: %+v", seen)
				}
			}
			out, err := exec.Command(r.Path, "--help").CombinedOutput()
			if len(out) == 0 {
				t.Errorf("the runner printed nothing (%v)", err)
			}
			after, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
			if string(after) != string(before) {
				t.Errorf("the build changed the user's go.mod:\n%s", after)
			}
			if _, err := os.Stat(filepath.Join(dir, "go.sum")); err == nil {
				t.Error("the build wrote a go.sum into the user's module")
			}
		})
	}
}

func TestMergeSums(t *testing.T) {
	got := string(mergeSums([]byte("b v1 h1:x\na v1 h1:y\n"), []byte("a v1 h1:y\n\nc v2 h1:z\n")))
	want := "a v1 h1:y\nb v1 h1:x\nc v2 h1:z\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
