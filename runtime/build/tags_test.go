package build

import (
	"context"
	"debug/buildinfo"
	"os/exec"
	"slices"
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
