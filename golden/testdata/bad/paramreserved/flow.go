package bad

import "github.com/flowc-dev/flowc/flow"

// Reserved has parameters named like flowc's own flags.
type Reserved struct {
	MaxWorkers int    `flow:"param" default:"4"`                 // want "FLOW042 .*\"max-workers\" is a flowc flag \\(--max-workers\\)"
	Who        string `flow:"param,name=namespace" default:"me"` // want "FLOW042 .*\"namespace\" is a flowc flag"
	Tag        string `flow:"param" default:"x"`                 // want "FLOW042 .*\"tag\""
}

func (f *Reserved) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Reserved) End(c *flow.Context) {}
