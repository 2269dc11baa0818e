package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/parser"
)

func TestGenerateAndCache(t *testing.T) {
	pkg, diags := check.Load("../../examples/retrycatch", parser.Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	f := pkg.Flows[0]
	src, err := Generate(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Fetch": func(f *user.Report, c *flow.Context, in flow.Inputs[user.Report]) (flow.Next, error) {`, "return f.Fetch(c)\n",
		`{Name: "Failure", Kind: task.Artifact`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated main lacks %s:\n%s", want, src)
		}
	}
	again, _ := Generate(f)
	if string(again) != string(src) {
		t.Error("Generate is not deterministic")
	}
	opts := Options{CacheDir: t.TempDir(), Version: "test"}
	r1, err := Build(context.Background(), pkg.Dir, f, opts)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Cached {
		t.Error("first build came from the cache")
	}
	start := time.Now()
	r2, err := Build(context.Background(), pkg.Dir, f, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !r2.Cached || r2.Path != r1.Path {
		t.Errorf("second build: cached %v, %s vs %s", r2.Cached, r2.Path, r1.Path)
	}
	t.Logf("cache hit in %s", time.Since(start))
	if _, err := os.Stat(filepath.Join(pkg.Dir, "zz_flowc_runner")); err == nil {
		t.Error("the build wrote into the user's package")
	}
}

func TestLocalReplacements(t *testing.T) {
	dir := t.TempDir()
	mod := "module example.com/x\n\ngo 1.26\n\nreplace github.com/a/b => ../b // local\n\nreplace (\n\tgithub.com/c/d v1.0.0 => github.com/e/f v1.2.0\n\tgithub.com/g/h => /abs/h\n)\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	got := localReplacements(dir)
	want := []string{"/abs/h", filepath.Join(filepath.Dir(dir), "b")}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %v, want %v", got, want)
	}
}
