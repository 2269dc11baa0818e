// Package gated is a test flow whose Work tasks wait until a file exists,
// so that a test can look at a run in progress and then let it finish.
package gated

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Gated waits for its gate.
type Gated struct {
	Gate    string `flow:"param" help:"the file whose existence lets Work finish"`
	Items   []int
	Result  int
	Results []int
}

// Start splits over three items.
func (f *Gated) Start(c *flow.Context) flow.Next {
	f.Items = []int{1, 2, 3}
	return flow.Foreach(f.Items, f.Work)
}

// Work reports progress on its card until the gate opens.
//
//flow:card refresh_interval=1
func (f *Gated) Work(c *flow.Context) (flow.Next, error) {
	n := flow.Input[int](c)
	fmt.Printf("item %d: waiting for the gate\n", n)
	bar := c.Card().Markdown(fmt.Sprintf("# Item %d", n)).Progress("waiting", 100)
	for i := 0; ; i++ {
		if _, err := os.Stat(f.Gate); err == nil {
			break
		}
		bar.Update(float64(min(i, 99)))
		select {
		case <-c.Context().Done():
			return nil, errors.New("stopped before the gate opened")
		case <-time.After(50 * time.Millisecond):
		}
	}
	bar.Update(100)
	f.Result = n * 10
	fmt.Printf("item %d: done\n", n)
	return flow.Goto(f.Join), nil
}

// Join collects the results.
func (f *Gated) Join(c *flow.Context, in flow.Inputs[Gated]) flow.Next {
	for _, t := range in.All() {
		f.Results = append(f.Results, t.Result)
	}
	return flow.Goto(f.End)
}

// End ends.
func (f *Gated) End(c *flow.Context) error { return nil }
