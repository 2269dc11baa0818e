package check_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/show"
)

// exampleSources returns the content of every non-test Go file of the
// repository's examples.
func exampleSources(f *testing.F) []string {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("..", "examples", "*", "*.go"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no example sources: %v", err)
	}
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, string(src))
	}
	return out
}

// breakages turn a valid flow into broken ones, each a kind of mistake
// the front end must report rather than trip over.
var breakages = []func(string) string{
	func(s string) string { return s[:len(s)/2] }, // truncated mid-declaration
	replace("flow.Goto(", "flow.Branch("),         // one-armed branches
	replace("flow.Branch(", "flow.Goto("),         // Goto with several targets
	replace("f.End", "f.Start"),                   // loops back to Start
	replace(") End(", ") Fin("),                   // no End step
	replace(", in flow.Inputs[", ", in flow.Input["),
	replace("flow.Inputs[", "flow.Inputs[Other"),
	replace("//flow:", "//flow:x"),
	replace("//flow:retry times=", "//flow:retry times=${cfg.a.b}"),
	replace("${cfg.", "${cfg.nope."),
	replace("//flow:", "//flow:retry times=[[[[[[[[[[1]]]]]]]]]] //flow:"),
	replace(`flow:"param`, `flow:"config`),
	replace("(c *flow.Context)", "(c flow.Context)"),
	replace("func (f *", "func (f "),
	replace("\n}\n", "\n"), // unbalanced braces
	replace("flow.Foreach(f.", "flow.Foreach(nil, f."),
	replace("return flow.", "return nil, flow."),
	replace("return flow.", "return"),
	replace("import", "import time \"time\"\nimport"),
}

func replace(old, new string) func(string) string {
	return func(s string) string { return strings.ReplaceAll(s, old, new) }
}

// extraSeeds are small flows for corners the examples do not reach.
var extraSeeds = []string{
	"",
	"package p",
	"package p\n\nimport \"github.com/flowc-dev/flowc/flow\"\n\ntype F struct{}\n",
	"package p\nimport \"github.com/flowc-dev/flowc/flow\"\ntype F struct{}\nfunc (f *F) Start(c *flow.Context) flow.Next { return flow.Goto(f.Start) }\nfunc (f *F) End(c *flow.Context) {}\n",
	"package p\nimport \"github.com/flowc-dev/flowc/flow\"\ntype F struct{}\nfunc (f *F) Start(c *flow.Context) flow.Next { if true { return flow.Goto(f.Start) }; return flow.Goto(f.End) }\nfunc (f *F) End(c *flow.Context) {}\n",
	"package p\nimport \"github.com/flowc-dev/flowc/flow\"\ntype F struct{ Xs []int }\nfunc (f *F) Start(c *flow.Context) flow.Next { return flow.Foreach(f.Xs, f.End) }\nfunc (f *F) End(c *flow.Context, in flow.Inputs[F]) {}\n",
	"package p\nimport fl \"github.com/flowc-dev/flowc/flow\"\n//flow:schedule cron=\"${cfg.x}\"\ntype F struct{ Cfg map[string]any `flow:\"config,name=cfg\" default:\"settings.toml\"` }\nfunc (f *F) Start(c *fl.Context) fl.Next { return fl.Goto(f.End) }\nfunc (f *F) End(c *fl.Context) error { return nil }\n",
	"package p\nimport \"github.com/flowc-dev/flowc/flow\"\ntype F[T any] struct{}\ntype G = F[int]\nfunc (f *G) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }\nfunc (f *G) End(c *flow.Context) {}\n",
	"package p\nimport \"github.com/flowc-dev/flowc/flow\"\ntype A B\ntype B A\ntype F struct{ X A; Y []A `flow:\"param\" default:\"[]\"` }\nfunc (f *F) Start(c *flow.Context) flow.Next { return flow.Foreach(f.Y, f.End) }\nfunc (f *F) End(c *flow.Context) {}\n",
}

// FuzzLoadFiles feeds Go source to the whole front end, parser.LoadFiles
// and check.Flow, as flowc check does. Whatever the source, it must not
// panic, its diagnostics must be sorted and positioned in the file, two
// runs must agree, and a flow without diagnostics must encode as a plan
// and print.
func FuzzLoadFiles(f *testing.F) {
	for _, src := range exampleSources(f) {
		f.Add(src)
		if !strings.Contains(src, "*flow.Context") {
			continue // doc.go and other files without steps
		}
		for _, brk := range breakages {
			f.Add(brk(src))
		}
	}
	for _, src := range extraSeeds {
		f.Add(src)
	}
	// Configs are read from disk relative to the package directory: give
	// the fuzzed flows one to find.
	dir := f.TempDir()
	toml, err := os.ReadFile(filepath.Join("..", "examples", "config", "settings.toml"))
	if err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "settings.toml"), toml, 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		diags, plans := frontEnd(t, dir, src)
		diags2, plans2 := frontEnd(t, dir, src)
		if !reflect.DeepEqual(diags, diags2) {
			t.Fatalf("two loads of the same source disagree:\n%v\n---\n%v", diags, diags2)
		}
		if !reflect.DeepEqual(plans, plans2) {
			t.Fatalf("two loads of the same source give different plans")
		}
	})
}

var codeRE = regexp.MustCompile(`^FLOW\d{3}$`)

// frontEnd loads src as dir/flow.go and checks its flows, returning every
// diagnostic and the plan of each clean flow.
func frontEnd(t *testing.T, dir, src string) (diag.List, [][]byte) {
	pkg, diags := parser.LoadFiles(dir, map[string][]byte{"flow.go": []byte(src)}, parser.Options{})
	lines := strings.Count(src, "\n") + 1
	checkDiags(t, dir, lines, diags)
	if pkg == nil {
		return diags, nil
	}
	var plans [][]byte
	for _, fl := range pkg.Flows {
		fd := check.Flow(fl).Sorted()
		for i := range fd {
			fd[i].Pos.File = filepath.Join(dir, fd[i].Pos.File)
		}
		checkDiags(t, dir, lines, fd)
		diags = append(diags, fd...)
		if len(diags) > 0 {
			continue
		}
		plans = append(plans, planOf(t, fl))
	}
	return diags, plans
}

// checkDiags checks that diagnostics are sorted, coded, worded and placed
// in the source file (or in a config file, or at the directory).
func checkDiags(t *testing.T, dir string, lines int, diags diag.List) {
	t.Helper()
	goFile := filepath.Join(dir, "flow.go")
	for i, d := range diags {
		if i > 0 && d.Pos.Before(diags[i-1].Pos) {
			t.Fatalf("diagnostics not sorted: %v before %v", diags[i-1], d)
		}
		if !codeRE.MatchString(string(d.Code)) || d.Message == "" {
			t.Fatalf("diagnostic without a code or a message: %q", d.Error())
		}
		if strings.ContainsAny(d.Error(), "\r\n") {
			t.Fatalf("diagnostic printed on several lines: %q", d.Error())
		}
		if d.Pos.Line < 0 || d.Pos.Col < 0 {
			t.Fatalf("diagnostic at a negative position: %v", d)
		}
		if d.Pos.File == goFile && (d.Pos.Line == 0 || d.Pos.Line > lines) {
			t.Fatalf("diagnostic outside the file's %d lines: %v", lines, d)
		}
		if d.Pos.File != goFile && d.Pos.File != dir && !strings.HasSuffix(d.Pos.File, ".toml") {
			t.Fatalf("diagnostic in an unexpected file: %v", d)
		}
	}
}

// planOf encodes a clean flow as a plan, decodes it again and prints it as
// text and dot: a flow that passes the checks must make it to every output.
func planOf(t *testing.T, fl *ir.Flow) []byte {
	t.Helper()
	data, err := ir.Encode(fl)
	if err != nil {
		t.Fatalf("clean flow %s does not encode: %v", fl.Name, err)
	}
	back, err := ir.Decode(data)
	if err != nil {
		t.Fatalf("plan of clean flow %s does not decode: %v", fl.Name, err)
	}
	again, err := ir.Encode(back)
	if err != nil || !bytes.Equal(data, again) {
		t.Fatalf("plan of clean flow %s changes on a round trip (%v)", fl.Name, err)
	}
	if err := show.Text(io.Discard, fl); err != nil {
		t.Fatalf("show.Text(%s): %v", fl.Name, err)
	}
	if err := show.Dot(io.Discard, fl); err != nil {
		t.Fatalf("show.Dot(%s): %v", fl.Name, err)
	}
	return data
}
