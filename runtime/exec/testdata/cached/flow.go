// Package cached is a test flow whose steps use the step cache: each task
// that runs leaves a file in $CACHED_MARKS, so a test sees which ran.
package cached

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/flowc-dev/flowc/flow"
)

// Cached squares its items in a foreach, sums them in a join, and reports.
type Cached struct {
	Scale   int `flow:"param" default:"1"`
	Items   []int
	Squared int
	Total   int
	Report  string
}

// mark records that a task ran.
func mark(c *flow.Context) {
	if dir := os.Getenv("CACHED_MARKS"); dir != "" {
		os.WriteFile(filepath.Join(dir, c.StepName()+"-"+c.TaskID()+"-"+c.RunID()), nil, 0o644)
	}
}

// Start makes the items.
//
//flow:cache
func (f *Cached) Start(c *flow.Context) flow.Next {
	mark(c)
	f.Items = []int{1, 2, 3}
	return flow.Foreach(f.Items, f.Square)
}

// Square squares one item.
//
//flow:cache
func (f *Cached) Square(c *flow.Context) flow.Next {
	mark(c)
	n := flow.Input[int](c)
	f.Squared = n * n * f.Scale
	return flow.Goto(f.Join)
}

// Join sums the squares.
//
//flow:cache
func (f *Cached) Join(c *flow.Context, in flow.Inputs[Cached]) flow.Next {
	mark(c)
	for _, s := range in.All() {
		f.Total += s.Squared
	}
	return flow.Goto(f.Summary)
}

// Summary is not cached; it fails when $CACHED_FAIL is set.
func (f *Cached) Summary(c *flow.Context) (flow.Next, error) {
	mark(c)
	if os.Getenv("CACHED_FAIL") != "" {
		return nil, errors.New("failing as asked")
	}
	f.Report = "ok"
	return flow.Goto(f.End), nil
}

// End ends.
func (f *Cached) End(c *flow.Context) { mark(c) }
