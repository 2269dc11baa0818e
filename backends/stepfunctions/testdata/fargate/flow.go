// Package fargate holds Disk, a flow whose step asks for Fargate's
// ephemeral storage and its own log driver.
package fargate

import "github.com/flowc-dev/flowc/flow"

// Disk has a large scratch disk.
type Disk struct{}

// Start writes to its scratch disk, and logs through fluentd.
//
//flow:batch cpu=2 memory=8192 ephemeral_storage=100 log_driver=fluentd log_options=["fluentd-address:localhost:24224", "tag:disk"]
func (f *Disk) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Disk) End(c *flow.Context) {}
