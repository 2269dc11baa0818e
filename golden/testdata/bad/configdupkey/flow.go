package bad

import "github.com/flowc-dev/flowc/flow"

// Settings is the config's shape.
type Settings struct {
	CPU int `toml:"cpu"`
}

// Twice reads a config that sets a key twice.
type Twice struct {
	Cfg Settings `flow:"config,name=cfg" default:"settings.toml"`
}

func (f *Twice) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Twice) End(c *flow.Context) {}
