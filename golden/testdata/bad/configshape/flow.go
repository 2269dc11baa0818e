package bad

import "github.com/flowc-dev/flowc/flow"

// Settings is the config's shape; the TOML file has keys it lacks.
type Settings struct {
	Model struct {
		Name         string  `toml:"name"`
		LearningRate float64 `toml:"learning_rate"`
	} `toml:"model"`
	Epochs int `toml:"epochs"`
}

// Shape reads a config whose keys do not fit its type.
type Shape struct {
	Cfg Settings `flow:"config,name=cfg" default:"settings.toml"`
}

func (f *Shape) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Shape) End(c *flow.Context) {}
