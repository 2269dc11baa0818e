package bad

import "github.com/flowc-dev/flowc/flow"

// Orphans has steps nothing leads to.
type Orphans struct{}

func (f *Orphans) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Orphans) Clean(c *flow.Context) flow.Next { return flow.Goto(f.Report) } // want "FLOW031 .*Clean is never reached from Start"

func (f *Orphans) Report(c *flow.Context) flow.Next { return flow.Goto(f.End) } // want "FLOW031 .*Report is never reached"

func (f *Orphans) End(c *flow.Context) {}
