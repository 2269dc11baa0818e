// Package fargatebad holds Bad, a flow whose steps ask for what a Fargate
// job cannot have.
package fargatebad

import "github.com/flowc-dev/flowc/flow"

// Bad asks for a GPU, a privileged container, a tmpfs, a size Fargate
// lacks, a disk too small, and a log option without a value.
type Bad struct{}

//flow:batch gpu=1 cpu=4 memory=16384
func (f *Bad) Start(c *flow.Context) flow.Next { return flow.Goto(f.Priv) }

//flow:batch privileged=true use_tmpfs=true
func (f *Bad) Priv(c *flow.Context) flow.Next { return flow.Goto(f.Odd) }

//flow:batch cpu=3 ephemeral_storage=10 log_options=[novalue]
func (f *Bad) Odd(c *flow.Context) flow.Next { return flow.Goto(f.End) }

//flow:resources cpu=1 memory=16384
func (f *Bad) End(c *flow.Context) {}
