package bad

import (
	"fmt"

	"github.com/flowc-dev/flowc/flow"
)

// Seeded caches steps whose results depend on the run.
type Seeded struct {
	Seed  string
	Label string
	Note  string
}

// Start is cached but seeds itself from the run id.
//
//flow:cache
func (f *Seeded) Start(c *flow.Context) flow.Next {
	f.Seed = c.RunID() // want "FLOW110 .*step Start has //flow:cache but calls RunID\\(\\)"
	return flow.Goto(f.Label2)
}

// Label2 reads the pathspec inside a function literal.
//
//flow:cache
func (f *Seeded) Label2(c *flow.Context) flow.Next {
	name := func() string { return fmt.Sprint(c.Pathspec()) } // want "FLOW110 .*calls Pathspec\\(\\)"
	f.Label = name()
	return flow.Goto(f.End)
}

// End is not cached: it may read the run id.
func (f *Seeded) End(c *flow.Context) {
	f.Note = c.RunID() + " " + c.TaskID()
}
