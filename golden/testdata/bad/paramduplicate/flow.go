package bad

import "github.com/flowc-dev/flowc/flow"

// Settings is a config's shape.
type Settings struct {
	Name string `toml:"name"`
}

// Twice has parameters whose names collide, case-insensitively, with
// each other and with a config.
type Twice struct {
	Seed       int      `flow:"param" default:"1"`
	RandomSeed int      `flow:"param,name=seed" default:"2"` // want "FLOW041 .*\"seed\" is already used by parameter Seed"
	Settings   Settings `flow:"config,name=Mode" default:"settings.toml"`
	Mode       string   `flow:"param" default:"fast"` // want "FLOW041 .*\"mode\" is already used by config Settings"
	URLPath    string   `flow:"param" default:"/a"`
	UrlPath    string   `flow:"param" default:"/b"` // want "FLOW041 .*\"url-path\" is already used by parameter URLPath"
}

func (f *Twice) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Twice) End(c *flow.Context) {}
