package bad

import "github.com/flowc-dev/flowc/flow"

// Level is a named int.
type Level int

// Scalars has configs that cannot be filled from a TOML table.
type Scalars struct {
	Cfg    Level          `flow:"config,name=cfg" default:"settings.toml"`    // want "FLOW054 .*config cfg has type Level; a config is a struct"
	Limits map[int]string `flow:"config,name=limits" default:"settings.toml"` // want "FLOW054 .*config limits: a map config needs string keys, not int"
	Names  []string       `flow:"config,name=names" default:"settings.toml"`  // want "FLOW054 .*names has type \\[\\]string"
}

func (f *Scalars) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Scalars) End(c *flow.Context) {}
