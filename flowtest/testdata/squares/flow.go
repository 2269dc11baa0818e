// Package squares is flowtest's test flow: parameters, a config, a
// foreach, a join and a secret.
package squares

import (
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/flow"
)

// Settings is the config.
type Settings struct {
	Offset int `toml:"offset"`
}

// Squares squares 0..Count-1, adds Offset to each, and sums.
type Squares struct {
	Count   int      `flow:"param" default:"3"`
	Label   string   `flow:"param,name=label-text" default:"sum"`
	Cfg     Settings `flow:"config" default:"settings.toml"`
	Numbers []int
	Square  int
	Total   int
	Report  string
	KeyLen  int
}

// Start lists the numbers.
func (f *Squares) Start(c *flow.Context) (flow.Next, error) {
	if f.Count < 0 {
		return nil, fmt.Errorf("count %d is negative", f.Count)
	}
	for i := range f.Count {
		f.Numbers = append(f.Numbers, i)
	}
	return flow.Foreach(f.Numbers, f.Square2), nil
}

// Square2 squares one number.
func (f *Squares) Square2(c *flow.Context) flow.Next {
	n := flow.Input[int](c)
	f.Square = n*n + f.Cfg.Offset
	fmt.Println("squared", n)
	return flow.Goto(f.Join)
}

// Join adds up.
func (f *Squares) Join(c *flow.Context, in flow.Inputs[Squares]) flow.Next {
	for _, s := range in.All() {
		f.Total += s.Square
	}
	f.Report = fmt.Sprintf("%s=%d", f.Label, f.Total)
	return flow.Goto(f.End)
}

// End reads a secret.
//
//flow:secrets sources=[api]
func (f *Squares) End(c *flow.Context) {
	f.KeyLen = len(os.Getenv("API_KEY"))
}
