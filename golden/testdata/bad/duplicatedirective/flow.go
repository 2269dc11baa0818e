package bad

import "github.com/flowc-dev/flowc/flow"

// Twice gives directives and attributes twice.
//
//flow:project name=fraud
//flow:project name=churn // want "FLOW064 .*project is given twice"
type Twice struct{}

func (f *Twice) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:retry times=2
//flow:timeout seconds=30 seconds=60 // want "FLOW064 .*timeout seconds is given twice"
//flow:retry times=3 // want "FLOW064 .*retry is given twice; merge the two lines"
//flow:card
//flow:card // want "FLOW064 .*a second card needs an id= different from the first's"
func (f *Twice) Fit(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Twice) End(c *flow.Context) {}
