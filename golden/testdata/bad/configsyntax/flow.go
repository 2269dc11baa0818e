package bad

import "github.com/flowc-dev/flowc/flow"

// Settings is the config's shape.
type Settings struct {
	Name string `toml:"name"`
	CPU  int    `toml:"cpu"`
}

// Garbled reads a config that is not TOML.
type Garbled struct {
	Cfg Settings `flow:"config,name=cfg" default:"settings.toml"`
}

func (f *Garbled) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

//flow:resources cpu=${cfg.cpu}
func (f *Garbled) End(c *flow.Context) {}
