package check_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/internal/flowgen"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

// The benchmarks time the front end on flows from internal/flowgen (a mix
// of chains, branches, foreach, conditionals and self-loops); see
// docs/PERFORMANCE.md for the figures and scripts/bench-check.sh for the
// whole `flowc check` process.

// benchFlowDir writes a generated flow of steps steps to a new directory.
func benchFlowDir(b *testing.B, steps int) string {
	b.Helper()
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "flow.go"), flowgen.Generate("Bench", steps, 1), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkCheck is what `flowc check DIR` does in process: check.Load on
// the directory, reading and parsing the file and checking the graph.
func BenchmarkCheck(b *testing.B) {
	for _, steps := range []int{50, 1000, 10000} {
		b.Run(fmt.Sprintf("steps=%d", steps), func(b *testing.B) {
			dir := benchFlowDir(b, steps)
			b.ReportAllocs()
			for b.Loop() {
				pkg, diags := check.Load(dir, parser.Options{})
				if pkg == nil || len(diags) > 0 {
					b.Fatalf("check.Load: %d diagnostics\n%v", len(diags), diags)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(steps), "ns/step")
		})
	}
}

// BenchmarkFlow is the graph analysis alone, check.Flow, on a parsed flow.
func BenchmarkFlow(b *testing.B) {
	for _, steps := range []int{10000} {
		b.Run(fmt.Sprintf("steps=%d", steps), func(b *testing.B) {
			pkg, diags := parser.Load(benchFlowDir(b, steps), parser.Options{})
			if pkg == nil || len(diags) > 0 {
				b.Fatalf("parser.Load: %v", diags)
			}
			f := pkg.Flows[0]
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				resetAnalysis(f)
				b.StartTimer()
				if diags := check.Flow(f); len(diags) > 0 {
					b.Fatalf("check.Flow: %v", diags)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(steps), "ns/step")
		})
	}
}

// resetAnalysis clears what check.Flow fills in, so that each run starts
// from the parser's output.
func resetAnalysis(f *ir.Flow) {
	f.Graph = ir.Graph{}
	for _, s := range f.Steps {
		s.Prev, s.MatchingJoin, s.SplitParents, s.Foreach = nil, "", nil, nil
	}
}
