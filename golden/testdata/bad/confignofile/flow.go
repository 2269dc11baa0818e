package bad

import "github.com/flowc-dev/flowc/flow"

// Settings is the config's shape.
type Settings struct {
	Name string `toml:"name"`
}

// NoFile has a config with neither a default file nor a --config.
type NoFile struct {
	Settings Settings `flow:"config"` // want "FLOW050 .*config settings has no file: add default:\"settings.toml\""
}

func (f *NoFile) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *NoFile) End(c *flow.Context) {}
