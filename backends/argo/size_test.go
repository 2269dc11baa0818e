package argo_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends/argo"
	"github.com/flowc-dev/flowc/internal/flowgen"
	"github.com/flowc-dev/flowc/ir"
)

// sizes compiles f and returns its objects' JSON sizes.
func sizes(t *testing.T, f *ir.Flow) []argo.ObjectSize {
	t.Helper()
	objs, diags := argo.Build(f, opts)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	s, err := objs.Sizes()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSizeManySteps: generated flows of 200 steps (every shape flowgen
// makes: branches, nested foreach, conditionals, self-loops) compile to
// objects under Argo's 1 MiB. docs/PERFORMANCE.md has the figures.
func TestSizeManySteps(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		f := loadSource(t, string(flowgen.Generate("Gen", 200, seed)))
		compile(t, f, opts) // no diagnostics, among them the size check
		for _, s := range sizes(t, f) {
			t.Logf("200 steps, seed %d: %s %d bytes", seed, s.Kind, s.Bytes)
			if s.Bytes >= argo.MaxObjectBytes {
				t.Errorf("seed %d: %s is %d bytes", seed, s.Kind, s.Bytes)
			}
		}
	}
}

// wideForeach is a flow whose Start splits over n items.
func wideForeach(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	return `package p

import "github.com/flowc-dev/flowc/flow"

type Wide struct {
	Items []int
	Sum   int
}

func (f *Wide) Start(c *flow.Context) flow.Next {
	f.Items = []int{` + strings.Join(items, ", ") + `}
	return flow.Foreach(f.Items, f.Work)
}

func (f *Wide) Work(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Wide) Join(c *flow.Context, in flow.Inputs[Wide]) flow.Next { return flow.Goto(f.End) }

func (f *Wide) End(c *flow.Context) {}
`
}

// TestSizeWideForeach: a foreach over 10,000 items compiles to the same
// objects as one over 3, under 1 MiB: the width is a count the foreach
// task writes at run time, never a list in the template.
func TestSizeWideForeach(t *testing.T) {
	wide := compile(t, loadSource(t, wideForeach(10000)), opts)
	narrow := compile(t, loadSource(t, wideForeach(3)), opts)
	// The package annotation names each temporary directory.
	if noPackage(wide) != noPackage(narrow) {
		t.Error("the objects depend on the foreach's width")
	}
	for _, s := range sizes(t, loadSource(t, wideForeach(10000))) {
		t.Logf("10,000-wide foreach: %s %d bytes", s.Kind, s.Bytes)
		if s.Bytes >= argo.MaxObjectBytes {
			t.Errorf("%s is %d bytes", s.Kind, s.Bytes)
		}
	}
	if !strings.Contains(string(wide), "withSequence") || strings.Contains(string(wide), "withItems") || strings.Contains(string(wide), "withParam") {
		t.Error("the fan-out is not a withSequence count")
	}
}

// TestSizeTooBig: a flow whose template would pass half of 1 MiB (the
// Workflow running it stores it whole, next to its node status) is a
// diagnostic at the flow, not a run that Argo fails.
func TestSizeTooBig(t *testing.T) {
	if testing.Short() {
		t.Skip("loads an 800-step flow")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "flow.go"), flowgen.Generate("Big", 800, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	f := load(t, dir)
	_, diags, err := argo.Target{}.Compile(f, &opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := codesAt(diags); len(got) != 1 || got[0] != fmt.Sprint(f.Pos.Line, " FLOW081") {
		t.Errorf("diagnostics %v, want one FLOW081 at the flow", diags)
	}
}

// noPackage drops the flowc.dev/package annotation.
func noPackage(data []byte) string {
	var keep []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.Contains(l, "flowc.dev/package:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
