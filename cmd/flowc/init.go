package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"text/template"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/runtime/build"
)

// flowcSrc is the flowc checkout this binary was built from, when the
// build says so: -ldflags "-X main.flowcSrc=DIR" (the Makefile sets it).
var flowcSrc = ""

func newInit() *cobra.Command {
	var modPath, src string
	c := &cobra.Command{
		Use:   "init DIR",
		Short: "Create a new Go module holding a small flow, ready to run",
		Long: `Init creates DIR, a new Go module with a small flow (a parameter, a
foreach and its join), a unit test of its steps, and a go.mod that builds:
cd DIR && flowc run . runs it at once, and go test ./... tests it.

While flowc has no published version, the module points at a flowc
checkout with a replace directive: --flowc-src, by default the checkout
this flowc was built from (known when flowc was built with go install or
go build from a checkout, without -trimpath).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return initModule(cmd, args[0], modPath, src)
		},
	}
	c.Flags().StringVar(&modPath, "module", "", "the new module's path (default: DIR's base name)")
	c.Flags().StringVar(&src, "flowc-src", "", "the flowc checkout the module builds against (default: the one flowc was built from)")
	return c
}

// modulePathRE is a conservative module path: what go mod init accepts
// without quoting, and what a user would type.
var modulePathRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*$`)

func initModule(cmd *cobra.Command, dir, modPath, src string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(abs); err == nil && len(entries) > 0 {
		return usagef("init: %s already exists and is not empty", dir)
	}
	if modPath == "" {
		modPath = filepath.Base(abs)
	}
	if !modulePathRE.MatchString(modPath) || strings.Contains(modPath, "..") {
		return usagef("init: %q is not a valid module path; pass --module example.com/NAME", modPath)
	}
	req, err := flowcRequirement(src)
	if err != nil {
		return err
	}
	files, err := initFiles(modPath, packageName(modPath), req)
	if err != nil {
		return err
	}
	for _, name := range []string{"go.mod", "flow.go", "flow_test.go", ".gitignore"} {
		path := filepath.Join(abs, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "Created module %s in %s with flow Squares.\n", modPath, dir)
	if req.dir != "" {
		fmt.Fprintf(w, "It builds against the flowc checkout %s.\n", req.dir)
	}
	fmt.Fprintf(w, "Run it with:  cd %s && flowc run . --count 4\nTest it with: cd %s && go test ./...\n", dir, dir)
	return nil
}

// requirement is how the new module gets flowc: a version, and a local
// directory that replaces it while flowc is unpublished.
type requirement struct {
	version string
	dir     string
	goLine  string // the go directive: flowc's own, so the module needs no newer toolchain than flowc does
}

// flowcRequirement decides which flowc the new module builds against: the
// checkout named by --flowc-src; else the checkout this binary was built
// from, as -ldflags recorded it or as its own source paths show; else the
// binary's published version.
func flowcRequirement(src string) (requirement, error) {
	if src == "" {
		src = builtFrom()
	}
	if src != "" {
		abs, err := filepath.Abs(src)
		if err != nil {
			return requirement{}, err
		}
		goLine, err := checkoutGoLine(abs)
		if err != nil {
			return requirement{}, usagef("init: --flowc-src %s: %v", src, err)
		}
		return requirement{version: "v0.0.0", dir: abs, goLine: goLine}, nil
	}
	if bi, ok := debug.ReadBuildInfo(); ok && published(bi.Main.Version) {
		return requirement{version: bi.Main.Version, goLine: strings.TrimPrefix(runtime.Version(), "go")}, nil
	}
	return requirement{}, usagef("init: this flowc does not know the checkout it was built from; pass --flowc-src DIR (a clone of flowc)")
}

// builtFrom returns the flowc checkout this binary was compiled from, or ""
// when that is not known. A binary built without -trimpath records the
// absolute path of its sources: this file's, two levels below the
// checkout's go.mod.
func builtFrom() string {
	if flowcSrc != "" {
		return flowcSrc
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	dir := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	// A flowc installed with go install ...@VERSION was built in the
	// module cache (.../flowc@VERSION): the version serves, not the cache.
	if strings.Contains(filepath.Base(dir), "@") {
		return ""
	}
	if _, err := checkoutGoLine(dir); err != nil {
		return ""
	}
	return dir
}

// checkoutGoLine checks that dir holds flowc's module and returns its go
// directive's version.
func checkoutGoLine(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", errors.New("not a flowc checkout (no go.mod)")
	}
	var goLine string
	isFlowc := false
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 && f[0] == "module" && f[1] == build.FlowcModule {
			isFlowc = true
		}
		if len(f) == 2 && f[0] == "go" {
			goLine = f[1]
		}
	}
	if !isFlowc {
		return "", fmt.Errorf("not a flowc checkout (its go.mod is not module %s)", build.FlowcModule)
	}
	if goLine == "" {
		goLine = strings.TrimPrefix(runtime.Version(), "go")
	}
	return goLine, nil
}

// published reports whether v is a released version, not a development
// build's "(devel)" or a pseudo-version of a checkout.
func published(v string) bool {
	return strings.HasPrefix(v, "v") && !strings.Contains(v, "+dirty") && !pseudoRE.MatchString(v)
}

// pseudoRE matches the timestamp and commit of a pseudo-version.
var pseudoRE = regexp.MustCompile(`\d{14}-[0-9a-f]{12}`)

// packageName derives a Go package name from the module path's last
// element.
func packageName(modPath string) string {
	base := modPath[strings.LastIndex(modPath, "/")+1:]
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "flows"
	}
	return b.String()
}

// initFiles renders the new module's files.
func initFiles(modPath, pkg string, req requirement) (map[string][]byte, error) {
	data := struct {
		Module, Package, Version, Dir, Go string
	}{modPath, pkg, req.version, modFileString(req.dir), req.goLine}
	out := map[string][]byte{}
	for name, text := range initTemplates {
		var b bytes.Buffer
		if err := template.Must(template.New(name).Delims("[[", "]]").Parse(text)).Execute(&b, data); err != nil {
			return nil, err
		}
		src := b.Bytes()
		if strings.HasSuffix(name, ".go") {
			formatted, err := format.Source(src)
			if err != nil {
				return nil, fmt.Errorf("init: %s: %w", name, err)
			}
			src = formatted
		}
		out[name] = src
	}
	return out, nil
}

// modFileString writes s as go.mod wants it: bare, or quoted where it holds
// a space, a quote or a comment marker.
func modFileString(s string) string {
	if strings.ContainsAny(s, " \t\"'`\\") || strings.Contains(s, "//") {
		return strconv.Quote(s)
	}
	return s
}

// The templates are flowc's own text, filled with the module's path and
// package name (checked above), never with free user input.
var initTemplates = map[string]string{
	"go.mod": `module [[.Module]]

go [[.Go]]

require github.com/flowc-dev/flowc [[.Version]]
[[if .Dir]]
// flowc is not published yet: build against a local checkout.
replace github.com/flowc-dev/flowc => [[.Dir]]
[[end]]`,
	".gitignore": `# flowc run's local datastore
.flowc/
`,
	"flow.go": `// Package [[.Package]] holds a small flow: a parameter, a foreach and its
// join. Run it with
//
//	flowc run . --count 4
//
// and test its steps with go test ./...
package [[.Package]]

import "github.com/flowc-dev/flowc/flow"

// Squares squares the numbers 1..Count, one task per number, and adds the
// squares up.
type Squares struct {
	// Count is how many numbers to square: --count on the command line.
	Count int ` + "`" + `flow:"param" default:"3" help:"how many numbers to square"` + "`" + `

	// Numbers, Squared and Total are artifacts: saved after the step that
	// sets them, and seen by the steps after it.
	Numbers []int
	Squared int
	Total   int
}

// Start lists the numbers and starts one Square task per number.
func (f *Squares) Start(c *flow.Context) flow.Next {
	for i := 1; i <= f.Count; i++ {
		f.Numbers = append(f.Numbers, i)
	}
	return flow.Foreach(f.Numbers, f.Square)
}

// Square squares this task's number.
func (f *Squares) Square(c *flow.Context) flow.Next {
	n := flow.Input[int](c)
	f.Squared = n * n
	c.Logger().Info("squared", "n", n, "square", f.Squared)
	return flow.Goto(f.Join)
}

// Join adds up the squares of every Square task.
func (f *Squares) Join(c *flow.Context, in flow.Inputs[Squares]) flow.Next {
	for _, task := range in.All() {
		f.Total += task.Squared
	}
	return flow.Goto(f.End)
}

// End reports the total.
func (f *Squares) End(c *flow.Context) {
	c.Logger().Info("done", "total", f.Total)
}
`,
	"flow_test.go": `package [[.Package]]

import (
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

// TestSquare runs one Square task as the runtime would: with its element of
// the foreach as the task's input.
func TestSquare(t *testing.T) {
	f := &Squares{}
	c := flow.NewContext(t.Context(), flow.TaskInfo{
		Step:    "Square",
		Foreach: []flow.Frame{{Step: "Start", Var: "Numbers", Index: 3, Splits: 4}},
		Input:   4,
	})
	next := flow.Inspect(f.Square(c))
	if f.Squared != 16 {
		t.Errorf("Square of 4 = %d, want 16", f.Squared)
	}
	if len(next.Steps) != 1 || next.Steps[0] != "Join" {
		t.Errorf("Square goes to %v, want [Join]", next.Steps)
	}
}

// TestJoin gives Join the views of three Square tasks.
func TestJoin(t *testing.T) {
	f := &Squares{}
	f.Join(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Join"}),
		flow.InputsOf(&Squares{Squared: 1}, &Squares{Squared: 4}, &Squares{Squared: 9}))
	if f.Total != 14 {
		t.Errorf("Total = %d, want 14", f.Total)
	}
}
`,
}
