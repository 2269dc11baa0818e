package bad

import "github.com/flowc-dev/flowc/flow"

// Cased has two steps whose names differ only by case.
type Cased struct{}

func (f *Cased) Start(c *flow.Context) flow.Next { return flow.Goto(f.Train) }

func (f *Cased) Train(c *flow.Context) flow.Next { return flow.Goto(f.TRAIN) }

func (f *Cased) TRAIN(c *flow.Context) flow.Next { return flow.Goto(f.End) } // want "FLOW027 .*TRAIN differs from step Train only by case"

func (f *Cased) End(c *flow.Context) {}
