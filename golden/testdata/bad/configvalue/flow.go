package bad

import "github.com/flowc-dev/flowc/flow"

// Settings is the config's shape.
type Settings struct {
	Epochs int    `toml:"epochs"`
	Name   string `toml:"name"`
}

// Inline gives its configs as --config-value JSON (options.txt), checked
// as a file is.
//
// want-file "FLOW053 config cfg: key epochs is a TOML string, but its field has type int"
// want-file "FLOW053 config cfg: key nmae has no field in Settings .*did you mean name"
// want-file "FLOW051 config other: .* is not valid JSON"
// want-file "FLOW055 --config-value nope: the flow's configs are cfg, other"
type Inline struct {
	Cfg   Settings `flow:"config,name=cfg" default:"missing.toml"`
	Other Settings `flow:"config,name=other"`
}

func (f *Inline) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Inline) End(c *flow.Context) {}
