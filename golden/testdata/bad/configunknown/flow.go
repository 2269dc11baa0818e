package bad

// want-file "FLOW055 .*--config settngs=.*the flow's configs are cfg"

import "github.com/flowc-dev/flowc/flow"

// Settings is the config's shape.
type Settings struct {
	Name string `toml:"name"`
}

// Overridden is loaded with --config settngs=other.toml (see options.txt):
// the flow has no config of that name.
type Overridden struct {
	Cfg Settings `flow:"config,name=cfg" default:"settings.toml"`
}

func (f *Overridden) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Overridden) End(c *flow.Context) {}
