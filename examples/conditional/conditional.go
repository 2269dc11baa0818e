package conditional

import (
	"math/rand/v2"
	"slices"

	"github.com/flowc-dev/flowc/flow"
)

// Quality processes a batch of sensor readings in the way its data quality
// allows.
type Quality struct {
	Seed        int     `flow:"param" default:"1" help:"seed of the simulated readings"`
	MissingRate float64 `flow:"param" default:"0.1" help:"fraction of readings that come in missing"`

	// Readings is the batch.
	Readings []Reading
	// Score is the fraction of readings present, from 0 to 1.
	Score float64
	// Method names the processing that ran, and Confidence how much to
	// trust its output.
	Method     string
	Confidence float64
	// Cleaned is the number of missing readings CleanFirst filled in.
	Cleaned int
	// Result is the mean reading, as computed by the chosen method.
	Result float64
}

// Reading is one sensor reading. A missing reading has no Value.
type Reading struct {
	Value   float64
	Missing bool
}

// Start simulates a batch of readings, some of them missing.
func (f *Quality) Start(c *flow.Context) flow.Next {
	r := rand.New(rand.NewPCG(uint64(f.Seed), 0))
	f.Readings = make([]Reading, 200)
	for i := range f.Readings {
		f.Readings[i] = Reading{Value: 20 + 2*r.NormFloat64(), Missing: r.Float64() < f.MissingRate}
	}
	return flow.Goto(f.Assess)
}

// Assess scores the batch and chooses how to process it. It is a
// conditional step: its returns name three Goto targets, and exactly one
// runs.
func (f *Quality) Assess(c *flow.Context) flow.Next {
	f.Score = float64(len(present(f.Readings))) / float64(len(f.Readings))
	c.Logger().Info("assessed", "score", f.Score)
	switch {
	case f.Score > 0.95:
		return flow.Goto(f.Advanced)
	case f.Score > 0.8:
		return flow.Goto(f.Standard)
	default:
		return flow.Goto(f.CleanFirst)
	}
}

// Advanced processes a nearly complete batch: a trimmed mean, robust to
// outliers, of the readings present.
func (f *Quality) Advanced(c *flow.Context) flow.Next {
	f.Method, f.Confidence = "advanced", 0.95
	values := present(f.Readings)
	slices.Sort(values)
	trim := len(values) / 20 // 5% at each end
	f.Result = mean(values[trim : len(values)-trim])
	return flow.Goto(f.Finalize)
}

// Standard processes a batch with some gaps: the mean of what is there.
func (f *Quality) Standard(c *flow.Context) flow.Next {
	f.Method, f.Confidence = "standard", 0.85
	f.Result = mean(present(f.Readings))
	return flow.Goto(f.Finalize)
}

// CleanFirst fills each missing reading with the last one seen, or the
// mean for a leading gap, before processing the batch.
func (f *Quality) CleanFirst(c *flow.Context) flow.Next {
	f.Method, f.Confidence = "cleaned-then-standard", 0.75
	last := mean(present(f.Readings))
	cleaned := make([]Reading, len(f.Readings))
	for i, r := range f.Readings {
		if r.Missing {
			r = Reading{Value: last}
			f.Cleaned++
		}
		cleaned[i], last = r, r.Value
	}
	f.Readings = cleaned
	f.Result = mean(present(f.Readings))
	return flow.Goto(f.Finalize)
}

// Finalize is where the three paths meet. It is an ordinary step: it sees
// the artifacts of whichever path ran.
func (f *Quality) Finalize(c *flow.Context) flow.Next {
	c.Logger().Info("processed", "method", f.Method, "confidence", f.Confidence,
		"cleaned", f.Cleaned, "mean", f.Result)
	return flow.Goto(f.End)
}

// End does nothing more: the results are artifacts of Finalize.
func (f *Quality) End(c *flow.Context) {}

// present returns the values of the readings that are not missing.
func present(readings []Reading) []float64 {
	var values []float64
	for _, r := range readings {
		if !r.Missing {
			values = append(values, r.Value)
		}
	}
	return values
}

// mean returns the mean of values, or 0 when there are none.
func mean(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	return sum / float64(len(values))
}
