package bad

import "github.com/flowc-dev/flowc/flow"

// Tagged misspells its tags.
type Tagged struct {
	Alpha float64  `flow:"parm" default:"0.5"` // want "FLOW004 .*param or config.*did you mean param"
	Owner string   `flow:"param,requird"`      // want "FLOW004 .*requird.*did you mean required"
	Cfg   struct { // want "FLOW050 .*config cfg has no file"
		Name string
	} `flow:"config,default=cfg.toml"` // want "FLOW004 .*option \"default\""
}

func (f *Tagged) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Tagged) End(c *flow.Context) {}
