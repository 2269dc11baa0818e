package bad

import (
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Limits is a JSON parameter's type.
type Limits struct {
	Max int `json:"max"`
}

// Count and Window are aliases: their parameters parse as what they name.
type (
	Count  = int
	Window = time.Duration
)

// Defaults has defaults that do not parse as their parameters' types.
type Defaults struct {
	Seed    int           `flow:"param" default:"forty-two"` // want "FLOW040 .*default of parameter seed: \"forty-two\" is not an integer"
	Big     int64         `flow:"param" default:"1.5"`       // want "FLOW040 .*big: \"1.5\" is not an integer"
	Rate    float64       `flow:"param" default:"0,5"`       // want "FLOW040 .*rate: \"0,5\" is not a number"
	Nan     float64       `flow:"param" default:"NaN"`       // want "FLOW040 .*nan: \"NaN\" is not a number"
	Dry     bool          `flow:"param" default:"yes"`       // want "FLOW040 .*dry: \"yes\" is not a boolean"
	Delay   time.Duration `flow:"param" default:"10"`        // want "FLOW040 .*delay: \"10\" is not a duration"
	Limits  Limits        `flow:"param" default:"{max: 3}"`  // want "FLOW040 .*limits: .* is not valid JSON"
	Regions []string      `flow:"param" default:"eu,us"`
	Tries   Count         `flow:"param" default:"two"` // want "FLOW040 .*tries: \"two\" is not an integer"
	Grace   Window        `flow:"param" default:"5"`   // want "FLOW040 .*grace: \"5\" is not a duration"
}

func (f *Defaults) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Defaults) End(c *flow.Context) {}
