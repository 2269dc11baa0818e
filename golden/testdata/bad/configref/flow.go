package bad

import "github.com/flowc-dev/flowc/flow"

// Settings is the config's shape.
type Settings struct {
	Resources struct {
		CPU    int `toml:"cpu"`
		Memory int `toml:"memory"`
	} `toml:"resources"`
	Team string `toml:"team"`
}

// Refs reads keys and configs that do not exist.
//
//flow:project name=${config.team} // want "FLOW052 .*\\$\\{config.team\\}: the flow has no config config \\(did you mean cfg\\?\\)"
type Refs struct {
	Cfg Settings `flow:"config,name=cfg" default:"settings.toml"`
}

func (f *Refs) Start(c *flow.Context) flow.Next { return flow.Goto(f.Train) }

//flow:resources cpu=${cfg.resources.cpus} memory=${cfg.resources.memory} // want "FLOW052 .*config cfg has no key resources.cpus \\(did you mean cpu\\?\\)"
func (f *Refs) Train(c *flow.Context) flow.Next { return flow.Goto(f.Report) }

//flow:environment vars={TEAM="team-${cfg.team.name}"} // want "FLOW052 .*cfg.team is not a table"
func (f *Refs) Report(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Refs) End(c *flow.Context) {}
