package bad

import "github.com/flowc-dev/flowc/flow"

// Regions is the config's shape.
type Regions struct {
	Names []string `toml:"names"`
}

// OverConfig loops over its config instead of an artifact.
type OverConfig struct {
	Cfg    Regions `flow:"config,name=cfg" default:"regions.toml"`
	Region []string
}

func (f *OverConfig) Start(c *flow.Context) flow.Next {
	return flow.Foreach(f.Cfg, f.Fit) // want "FLOW021 .*Cfg is a config"
}

func (f *OverConfig) Fit(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *OverConfig) Join(c *flow.Context, in flow.Inputs[OverConfig]) flow.Next {
	return flow.Goto(f.End)
}

func (f *OverConfig) End(c *flow.Context) {}
