// Package params holds Params, a flow whose parameters a Step Functions
// execution may leave out (optional, no default) or give as JSON objects.
package params

import "github.com/flowc-dev/flowc/flow"

// Weights is a JSON parameter.
type Weights struct {
	Amount  float64 `json:"amount"`
	Foreign float64 `json:"foreign"`
}

// Params records what its parameters were.
type Params struct {
	Note    string   `flow:"param" help:"optional, no default"`
	Limit   int      `flow:"param" help:"optional, no default"`
	Labels  []string `flow:"param" help:"optional, no default"`
	Weights Weights  `flow:"param" default:"{\"amount\": 0.5, \"foreign\": 0.5}"`
	Extra   Weights  `flow:"param" help:"an optional JSON parameter without a default"`
	Owner   string   `flow:"param,required" help:"required"`

	Summary string
}

func (f *Params) Start(c *flow.Context) flow.Next {
	f.Summary = f.Note + "|" + f.Owner
	return flow.Goto(f.End)
}

func (f *Params) End(c *flow.Context) error { return nil }
