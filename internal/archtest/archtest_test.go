package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/build"
)

const mod = "github.com/flowc-dev/flowc"

// graph is the import graph below some root packages: each package's
// direct imports.
type graph map[string][]string

// load runs go list -deps on patterns from the module's root and returns
// the import graph and the packages the patterns name.
func load(t *testing.T, extra []string, patterns ...string) (graph, []string) {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed: %v", err)
	}
	args := append([]string{"list", "-deps", "-e", "-json=ImportPath,Imports,DepOnly,Error"}, extra...)
	cmd := exec.Command(goCmd, append(args, patterns...)...)
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(patterns, " "), err, stderr.String())
	}
	g := graph{}
	var roots []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
			DepOnly    bool
			Error      *struct{ Err string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if p.Error != nil {
			t.Fatalf("go list: %s: %s", p.ImportPath, p.Error.Err)
		}
		g[p.ImportPath] = p.Imports
		if !p.DepOnly {
			roots = append(roots, p.ImportPath)
		}
	}
	return g, roots
}

// path returns a chain of imports from root to a package that bad
// accepts, or nil when root reaches none.
func (g graph) path(root string, bad func(string) bool) []string {
	prev := map[string]string{root: ""}
	queue := []string{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p != root && bad(p) {
			var chain []string
			for q := p; q != ""; q = prev[q] {
				chain = append(chain, q)
			}
			slices.Reverse(chain)
			return chain
		}
		for _, q := range g[p] {
			if _, seen := prev[q]; !seen {
				prev[q] = p
				queue = append(queue, q)
			}
		}
	}
	return nil
}

// forbid fails the test for every root that reaches a package bad accepts,
// printing the chain of imports.
func forbid(t *testing.T, g graph, roots []string, what string, bad func(root, pkg string) bool) {
	t.Helper()
	for _, r := range roots {
		if chain := g.path(r, func(p string) bool { return bad(r, p) }); chain != nil {
			t.Errorf("%s must not import %s, but %s", r, what, strings.Join(chain, " → "))
		}
	}
}

// ours reports whether p is a package of flowc's module.
func ours(p string) bool { return p == mod || strings.HasPrefix(p, mod+"/") }

// under reports whether p is dir or a package below it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

func TestIRAndFlowImportNothingOfOurs(t *testing.T) {
	g, roots := load(t, nil, "./ir", "./flow")
	forbid(t, g, roots, "any package of flowc's", func(_, p string) bool { return ours(p) })
}

// runnerForbidden is what a task runner must never link: the front end, the
// CLI and the Kubernetes client, and the packages only they need.
func runnerForbidden(p string) bool {
	for _, dir := range []string{
		mod + "/parser", mod + "/check", mod + "/cmd", mod + "/backends", mod + "/client", mod + "/ui", mod + "/show",
		mod + "/runtime/build", mod + "/runtime/exec", mod + "/runtime/image",
		"go/types", "go/parser", "golang.org/x/tools", "github.com/spf13/cobra", "k8s.io/client-go", "k8s.io/apimachinery",
	} {
		if under(p, dir) {
			return true
		}
	}
	return false
}

// TestRunnerLinks checks what the generated main of a flow's runner links,
// for each set of build tags runtime/build builds runners with: the main is
// generated as runtime/build generates it and listed through the same
// overlay beside the flow's package.
func TestRunnerLinks(t *testing.T) {
	pkgDir, err := filepath.Abs("../../examples/hello")
	if err != nil {
		t.Fatal(err)
	}
	src, err := build.Generate(&ir.Flow{Name: "Hello", Package: mod + "/examples/hello"})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	mainFile := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(mainFile, src, 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(pkgDir, "zz_flowc_runner", "main.go"): mainFile}})
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tags := range subsets(build.RunnerTags) {
		t.Run("tags="+strings.Join(tags, ","), func(t *testing.T) {
			g, roots := load(t, []string{"-overlay", overlayFile, "-tags", strings.Join(tags, ",")}, "./examples/hello/zz_flowc_runner")
			if len(roots) != 1 || !slices.Contains(g[roots[0]], build.TaskImportPath) {
				t.Fatalf("go list did not see the generated runner main: %v %v", roots, g[roots[0]])
			}
			forbid(t, g, roots, "the front end, the CLI or client-go", func(_, p string) bool { return runnerForbidden(p) })
			if slices.Contains(tags, build.TagLocal) {
				forbid(t, g, roots, "a remote datastore, the network or cgo (tag "+build.TagLocal+")", func(_, p string) bool {
					return remoteOnly(p)
				})
			}
			if slices.Contains(tags, build.TagNoCards) {
				forbid(t, g, roots, "card rendering (tag "+build.TagNoCards+")", func(_, p string) bool {
					return under(p, mod+"/card") || under(p, "github.com/yuin/goldmark") || p == "html/template" || p == "text/template"
				})
			}
		})
	}
}

// remoteOnly is what only a runner for a remote datastore links: the S3
// datastore, the AWS SDK, TLS and its fallback roots, the network stack,
// and cgo (through net and os/user), each of which costs a task's start.
func remoteOnly(p string) bool {
	for _, dir := range []string{
		mod + "/runtime/datastore/s3store", "github.com/aws", "golang.org/x/crypto/x509roots",
		"crypto/tls", "net/http", "os/user", "runtime/cgo",
	} {
		if under(p, dir) {
			return true
		}
	}
	return p == "net"
}

// subsets returns every subset of tags, the empty one first.
func subsets(tags []string) [][]string {
	out := [][]string{nil}
	for _, t := range tags {
		for _, s := range out {
			out = append(out, append(slices.Clone(s), t))
		}
	}
	return out
}

func TestBackendsImportNoOtherBackend(t *testing.T) {
	g, roots := load(t, nil, "./backends/...")
	backend := func(p string) string { // "argo" for mod/backends/argo/x, "" for mod/backends
		rest, ok := strings.CutPrefix(p, mod+"/backends/")
		if !ok {
			return ""
		}
		name, _, _ := strings.Cut(rest, "/")
		return name
	}
	forbid(t, g, roots, "another backend", func(root, p string) bool {
		b := backend(p)
		return b != "" && b != backend(root)
	})
	forbid(t, g, roots, "the parser or the checker", func(_, p string) bool {
		return under(p, mod+"/parser") || under(p, mod+"/check")
	})
}

func TestClientAndUIPullNoParser(t *testing.T) {
	g, roots := load(t, nil, "./client/...", "./ui/...")
	forbid(t, g, roots, "the parser, the checker, go/types or the task runner", func(_, p string) bool {
		return under(p, mod+"/parser") || under(p, mod+"/check") || p == "go/types" || p == "go/parser" || under(p, mod+"/runtime/task")
	})
}

// TestRuntimeImportsNoFrontEndOrBackend: the runtime (executor, runner,
// builder, image) works from the IR alone.
func TestRuntimeImportsNoFrontEndOrBackend(t *testing.T) {
	g, roots := load(t, nil, "./runtime/...")
	forbid(t, g, roots, "the front end, a backend, the CLI, client or ui", func(_, p string) bool {
		for _, dir := range []string{"parser", "check", "backends", "cmd", "client", "ui"} {
			if under(p, mod+"/"+dir) {
				return true
			}
		}
		return false
	})
}
