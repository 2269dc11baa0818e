package bad

import "github.com/flowc-dev/flowc/flow"

// Named renames parameters to names that cannot be flags.
type Named struct {
	Alpha float64  `flow:"param,name=Alpha" default:"0.5"`      // want "FLOW043 .*parameter name \"Alpha\" must be lower case"
	Beta  float64  `flow:"param,name=beta value" default:"1"`   // want "FLOW043 .*\"beta value\""
	Gamma float64  `flow:"param,name=2gamma" default:"1"`       // want "FLOW043 .*\"2gamma\""
	Delta float64  `flow:"param,name=" default:"1"`             // want "FLOW043 .*\"\""
	Cfg   struct{} `flow:"config,name=my cfg" default:"x.toml"` // want "FLOW043 .*config name \"my cfg\""
}

func (f *Named) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Named) End(c *flow.Context) {}
