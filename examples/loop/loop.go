package loop

import (
	"fmt"
	"math"

	"github.com/flowc-dev/flowc/flow"
)

// Sqrt computes a square root by Newton's method, one task per iteration.
type Sqrt struct {
	Number        float64 `flow:"param" default:"2" help:"the number whose square root to compute"`
	Tolerance     float64 `flow:"param" default:"1e-12" help:"stop when |estimate² - number| is below this"`
	MaxIterations int     `flow:"param" default:"50" help:"stop after this many iterations even if not converged"`

	// Estimate is the current estimate of the square root.
	Estimate float64
	// Iteration counts the passes through Refine.
	Iteration int
	// History holds the estimate after each pass.
	History []float64
	// Converged says whether the loop stopped because it met Tolerance.
	Converged bool
}

// Start checks the number and makes the first guess.
func (f *Sqrt) Start(c *flow.Context) (flow.Next, error) {
	if f.Number < 0 {
		return nil, fmt.Errorf("number must not be negative, got %g", f.Number)
	}
	f.Estimate = max(f.Number, 1)
	return flow.Goto(f.Refine), nil
}

// Refine improves the estimate once and loops until it has converged or
// has run MaxIterations times.
func (f *Sqrt) Refine(c *flow.Context) flow.Next {
	f.Estimate = (f.Estimate + f.Number/f.Estimate) / 2
	f.Iteration++
	f.History = append(f.History, f.Estimate)
	f.Converged = math.Abs(f.Estimate*f.Estimate-f.Number) < f.Tolerance
	c.Logger().Info("refined", "iteration", f.Iteration, "estimate", f.Estimate)
	if !f.Converged && f.Iteration < f.MaxIterations {
		return flow.Goto(f.Refine)
	}
	return flow.Goto(f.Report)
}

// Report logs the outcome.
func (f *Sqrt) Report(c *flow.Context) flow.Next {
	c.Logger().Info("done", "sqrt", f.Estimate, "iterations", f.Iteration, "converged", f.Converged)
	return flow.Goto(f.End)
}

// End finishes the run.
func (f *Sqrt) End(c *flow.Context) {}
