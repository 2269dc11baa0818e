// Package cached is a benchmark flow for the step cache: a foreach of N
// tasks, every step //flow:cache, each task doing Work milliseconds of
// hashing (0: nothing).
package cached

import (
	"crypto/sha256"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Cached fans out over N items.
type Cached struct {
	N     int `flow:"param" default:"97"`
	Work  int `flow:"param" default:"0" help:"milliseconds of CPU work per foreach task"`
	Items []int
	Out   int
	Sum   [32]byte
}

// Start makes the items.
//
//flow:cache
func (f *Cached) Start(c *flow.Context) flow.Next {
	f.Items = make([]int, f.N)
	for i := range f.Items {
		f.Items[i] = i
	}
	return flow.Foreach(f.Items, f.Task)
}

// Task hashes for Work milliseconds.
//
//flow:cache
func (f *Cached) Task(c *flow.Context) flow.Next {
	f.Out = flow.Input[int](c)
	end := time.Now().Add(time.Duration(f.Work) * time.Millisecond)
	for time.Now().Before(end) {
		f.Sum = sha256.Sum256(f.Sum[:])
	}
	return flow.Goto(f.Join)
}

// Join adds up.
//
//flow:cache
func (f *Cached) Join(c *flow.Context, in flow.Inputs[Cached]) flow.Next {
	for _, t := range in.All() {
		f.Out += t.Out
	}
	return flow.Goto(f.End)
}

// End ends.
//
//flow:cache
func (f *Cached) End(c *flow.Context) error { return nil }
