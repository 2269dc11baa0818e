package bad

import "github.com/flowc-dev/flowc/flow"

// Settings is the config's shape.
type Settings struct {
	CPU int `toml:"cpu"`
}

// Overridden is loaded with --config cfg=missing.toml (see options.txt),
// a file that does not exist; the error is at the field, and the
// directive that reads the config says nothing more.
type Overridden struct {
	Cfg Settings `flow:"config,name=cfg" default:"settings.toml"` // want "FLOW050 .*config cfg: read .*missing.toml: no such file"
}

func (f *Overridden) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:resources cpu=${cfg.cpu}
func (f *Overridden) Fit(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Overridden) End(c *flow.Context) {}
