package bad

import "github.com/flowc-dev/flowc/flow"

// Typo misspells its directives.
//
//flow:schedul cron="0 2 * * *" // want "FLOW060 .*unknown directive //flow:schedul \\(did you mean schedule\\?\\)"
type Typo struct{}

func (f *Typo) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:retyr times=2 // want "FLOW060 .*//flow:retyr \\(did you mean retry\\?\\)"
//flow:parallel // want "FLOW060 .*unknown directive //flow:parallel$"
func (f *Typo) Fit(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Typo) End(c *flow.Context) {}
