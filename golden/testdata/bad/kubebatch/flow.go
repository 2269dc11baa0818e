package bad

import "github.com/flowc-dev/flowc/flow"

// TwoClouds runs one step on two compute platforms.
type TwoClouds struct{}

func (f *TwoClouds) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:kubernetes cpu=4 memory=8192
//flow:batch cpu=4 queue=gpu // want "FLOW067 .*Fit has both kubernetes and batch"
func (f *TwoClouds) Fit(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *TwoClouds) End(c *flow.Context) {}
