package bad

import (
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Settings mirrors settings.toml.
type Settings struct {
	CPU    int `toml:"cpu"`
	Memory int `toml:"memory"`
}

// Training has a mistake on nearly every line; flowc reports all of them
// at once, each where it is, and nothing that follows from another.
//
//flow:schedule cron="0 25 * * *" // want "FLOW069 .*hour field \"25\""
//flow:projet name=fraud // want "FLOW060 .*did you mean project"
type Training struct {
	Seed       int           `flow:"param" default:"abc"` // want "FLOW040 .*seed: \"abc\" is not an integer"
	MaxWorkers int           `flow:"param" default:"4"`   // want "FLOW042 .*max-workers"
	Delay      time.Duration `flow:"param,requird"`       // want "FLOW004 .*did you mean required"
	Cfg        Settings      `flow:"config,name=cfg" default:"settings.toml"`
	Shards     []string
	Results    chan float64 // want "FLOW045 .*Results .*channel"
	Best       string
}

func (f *Training) Start(c *flow.Context) flow.Next {
	f.Shards = []string{"a", "b", "c"}
	return flow.Branch(f.Clean, f.Profile)
}

//flow:retry times=9 // want "FLOW063 .*times=9"
func (f *Training) Clean(c *flow.Context) flow.Next { return flow.Goto(f.Merge) }

func (f Training) Profile(c *flow.Context) flow.Next { return flow.Goto(f.Merge) } // want "FLOW013 .*Profile has a value receiver"

func (f *Training) Merge(c *flow.Context, in flow.Inputs[Training]) flow.Next {
	return flow.Goto(f.Split)
}

func (f *Training) Split(c *flow.Context) flow.Next {
	return flow.Foreach(f.Shards, f.Fit)
}

//flow:resources cpu=${cfg.cpus} memory=${cfg.memory} // want "FLOW052 .*config cfg has no key cpus \\(did you mean cpu\\?\\)"
func (f *Training) Fit(c *flow.Context) flow.Next {
	n := flow.Input[int](c) // want "FLOW022 .*Input\\[int\\] in step Fit, but foreach Split splits Shards, whose elements are string"
	_ = n
	return flow.Goto(f.Pick)
}

func (f *Training) Pick(c *flow.Context, in flow.Inputs[Training]) flow.Next {
	return flow.Goto(f.Decide)
}

func (f *Training) Decide(c *flow.Context) flow.Next {
	if f.Best == "" {
		return flow.Goto(f.Publsh) // want "FLOW019 .*Publsh, which is no step \\(did you mean Publish\\?\\)"
	}
	if f.Best == "a" {
		return flow.Goto(f.Publish)
	}
	return flow.Goto(f.Report)
}

//flow:catch var=Failure // want "FLOW066 .*no exported field Failure"
func (f *Training) Publish(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Training) Report(c *flow.Context) flow.Next { return flow.Goto(f.End) }

//flow:timeout seconds=60 // want "FLOW003 .*//flow:timeout is not directly above"

func (f *Training) End(c *flow.Context) flow.Next { return nil } // want "FLOW015 .*End is the last step"
