package bad

import "github.com/flowc-dev/flowc/flow"

// Options gives parameters options that do not fit them.
type Options struct {
	Count   int      `flow:"param,separator=;" default:"3"`         // want "FLOW044 .*separator= applies to \\[\\]string parameters, not int"
	Owner   string   `flow:"param,required" default:"me"`           // want "FLOW044 .*owner is required and has a default"
	Regions []string `flow:"param,separator=" default:"eu"`         // want "FLOW044 .*separator= is empty"
	Labels  []string `flow:"param,separator=,,required" default:""` // want "FLOW044 .*labels is required and has a default"
}

func (f *Options) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Options) End(c *flow.Context) {}
