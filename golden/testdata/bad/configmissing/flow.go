package bad

import "github.com/flowc-dev/flowc/flow"

// Settings is the config's shape.
type Settings struct {
	Name string `toml:"name"`
}

// Missing reads a config file that is not there.
type Missing struct {
	Cfg Settings `flow:"config,name=cfg" default:"nope.toml"` // want "FLOW050 .*config cfg: read nope.toml: no such file"
}

func (f *Missing) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

//flow:resources cpu=${cfg.cpu}
func (f *Missing) End(c *flow.Context) {}
