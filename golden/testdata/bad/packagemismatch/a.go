package bad

import "github.com/flowc-dev/flowc/flow"

// Split is declared across two files of different packages.
type Split struct{}

func (f *Split) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }
