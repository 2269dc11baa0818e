package branch

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Stats computes three statistics of a price list in three parallel
// branches.
type Stats struct {
	// Prices is the data every branch reads.
	Prices []float64
	// Mean, Median and Spread are each set by one branch.
	Mean   float64
	Median float64
	Spread float64 // the population standard deviation
	// Elapsed is set by every branch, to a different value: the join must
	// not merge it.
	Elapsed time.Duration
	// Timings holds each branch's Elapsed, keyed by step name. The join
	// sets it.
	Timings map[string]time.Duration
}

// Start loads the prices and starts the three branches.
func (f *Stats) Start(c *flow.Context) flow.Next {
	f.Prices = []float64{12.5, 9.99, 14.25, 11, 10.5, 99, 13.75}
	return flow.Branch(f.ComputeMean, f.ComputeMedian, f.ComputeSpread)
}

// ComputeMean sets Mean.
func (f *Stats) ComputeMean(c *flow.Context) flow.Next {
	start := time.Now()
	f.Mean = mean(f.Prices)
	f.Elapsed = time.Since(start)
	return flow.Goto(f.Join)
}

// ComputeMedian sets Median.
func (f *Stats) ComputeMedian(c *flow.Context) flow.Next {
	start := time.Now()
	sorted := slices.Sorted(slices.Values(f.Prices))
	n := len(sorted)
	f.Median = (sorted[(n-1)/2] + sorted[n/2]) / 2
	f.Elapsed = time.Since(start)
	return flow.Goto(f.Join)
}

// ComputeSpread sets Spread.
func (f *Stats) ComputeSpread(c *flow.Context) flow.Next {
	start := time.Now()
	m, sum := mean(f.Prices), 0.0
	for _, p := range f.Prices {
		sum += (p - m) * (p - m)
	}
	f.Spread = math.Sqrt(sum / float64(len(f.Prices)))
	f.Elapsed = time.Since(start)
	return flow.Goto(f.Join)
}

// Join is where the branches meet. A join starts with only parameters and
// configs set: it collects the per-branch timings by hand and merges every
// other artifact.
func (f *Stats) Join(c *flow.Context, in flow.Inputs[Stats]) (flow.Next, error) {
	f.Timings = make(map[string]time.Duration, in.Len())
	for i, branch := range in.All() {
		f.Timings[in.Step(i)] = branch.Elapsed
	}
	if err := in.MergeArtifacts(f, flow.Exclude("Elapsed")); err != nil {
		return nil, fmt.Errorf("merge branches: %w", err)
	}
	// A single input can be read directly too: At(0) is ComputeMean's.
	c.Logger().Info("first branch", "step", in.Step(0), "mean", in.At(0).Mean)
	return flow.Goto(f.End), nil
}

// End reports the merged statistics.
func (f *Stats) End(c *flow.Context) {
	c.Logger().Info("price statistics",
		"mean", f.Mean, "median", f.Median, "spread", f.Spread, "timings", f.Timings)
}

// mean returns the arithmetic mean of xs.
func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}
