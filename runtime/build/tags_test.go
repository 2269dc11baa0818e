package build

import (
	"context"
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

func TestTags(t *testing.T) {
	plain := &ir.Flow{Steps: []*ir.Step{{Name: "Start"}, {Name: "End"}}}
	carded := &ir.Flow{Steps: []*ir.Step{{Name: "Start", Decorators: ir.StepDecorators{Cards: []ir.Card{{Type: "default"}}}}, {Name: "End"}}}
	for _, tc := range []struct {
		f     *ir.Flow
		local bool
		want  []string
	}{
		{plain, false, []string{TagNoCards}},
		{plain, true, []string{TagLocal, TagNoCards}},
		{carded, false, nil},
		{carded, true, []string{TagLocal}},
	} {
		if got := Tags(tc.f, Options{LocalOnly: tc.local}); !slices.Equal(got, tc.want) {
			t.Errorf("cards %v, local %v: %q, want %q", tc.f == carded, tc.local, got, tc.want)
		}
	}
}

func TestTagsFlagKeepsGOFLAGSTags(t *testing.T) {
	t.Setenv("GOFLAGS", "-mod=mod -tags=netgo,flowc_local")
	if got, want := tagsFlag([]string{TagLocal, TagNoCards}, nil), "flowc_local,flowc_nocards,netgo"; got != want {
		t.Errorf("from the environment: %q, want %q", got, want)
	}
	if got, want := tagsFlag([]string{TagLocal}, []string{"GOFLAGS=--tags=a"}), "flowc_local,a"; got != want {
		t.Errorf("from Options.Env: %q, want %q", got, want)
	}
	if got := tagsFlag(nil, nil); got != "" {
		t.Errorf("no tags: %q", got)
	}
}

// TestCacheKeyTags: a runner built for a local datastore and one built for
// S3 are cached apart.
func TestCacheKeyTags(t *testing.T) {
	mod := "../../examples/hello"
	a, err := cacheKey("../..", mod, []byte("main"), []string{TagLocal}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := cacheKey("../..", mod, []byte("main"), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("the tags do not change the cache key")
	}
}

// TestLocalRunner builds the hello example's runner for a local datastore
// and checks what it links, as `go version -m` reports it, and that given
// an s3:// root it says how to get a runner that opens one.
func TestLocalRunner(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a runner")
	}
	pkg, diags := check.Load("../../examples/hello", parser.Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	r, err := Build(context.Background(), pkg.Dir, pkg.Flows[0], Options{CacheDir: t.TempDir(), Version: "test", LocalOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	info, err := buildinfo.ReadFile(r.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range info.Settings {
		if s.Key == "-tags" && s.Value != TagLocal+","+TagNoCards {
			t.Errorf("built with -tags %s", s.Value)
		}
	}
	for _, m := range info.Deps {
		for _, bad := range []string{"github.com/aws/", "github.com/yuin/goldmark", "golang.org/x/crypto", "github.com/spf13/cobra", "k8s.io/"} {
			if strings.HasPrefix(m.Path, bad) {
				t.Errorf("the local runner links module %s", m.Path)
			}
		}
	}
	out, err := exec.Command(r.Path, "step", "Start", "--run-id", "1", "--task-id", "0", "--datastore-root", "s3://bucket/prefix").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "built for a local datastore only") {
		t.Errorf("given an s3:// root: %v\n%s", err, out)
	}
}

// BenchmarkRunnerStart times starting the hello example's runner with no
// arguments (exec, the Go runtime, package inits, the usage message) built
// for a local datastore and with S3, beside a Go hello world built here:
//
//	go test ./runtime/build -run '^$' -bench RunnerStart
func BenchmarkRunnerStart(b *testing.B) {
	pkg, diags := check.Load("../../examples/hello", parser.Options{})
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	hello := filepath.Join(b.TempDir(), "hello")
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello, world\") }\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", hello, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	bins := map[string]string{"hello-world": hello}
	for name, local := range map[string]bool{"local": true, "s3": false} {
		r, err := Build(context.Background(), pkg.Dir, pkg.Flows[0], Options{CacheDir: b.TempDir(), Version: "bench", LocalOnly: local})
		if err != nil {
			b.Fatal(err)
		}
		bins["runner-"+name] = r.Path
	}
	for _, name := range []string{"hello-world", "runner-local", "runner-s3"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_ = exec.Command(bins[name]).Run() // the runner exits 2 with its usage
			}
		})
	}
}

// TestRunnerRoots: the generated main imports package roots, which brings
// the fallback CA roots into a runner that can open S3 and into no other
// (flowc itself no longer links them through runtime/task).
func TestRunnerRoots(t *testing.T) {
	pkg, diags := check.Load("../../examples/hello", parser.Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	src, err := Generate(pkg.Flows[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), strconv.Quote(RootsImportPath)) {
		t.Errorf("the generated main does not import %s:\n%s", RootsImportPath, src)
	}
	const fallback = "golang.org/x/crypto/x509roots/fallback"
	for _, c := range []struct {
		pkg, tags string
		want      bool
	}{
		{RootsImportPath, "", true},
		{RootsImportPath, TagLocal, false},
		{TaskImportPath, "", false},
	} {
		out, err := exec.Command("go", "list", "-deps", "-tags", c.tags, c.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		if got := slices.Contains(strings.Fields(string(out)), fallback); got != c.want {
			t.Errorf("%s with tags %q links %s: %v, want %v", c.pkg, c.tags, fallback, got, c.want)
		}
	}
}
