package bad

import "github.com/flowc-dev/flowc/flow"

// Unexpressible asks the step-functions target for what it cannot do.
//
//flow:schedule cron="0 2 1 * 1" // want "FLOW080 .*both the day of the month and the day of the week"
type Unexpressible struct{}

func (f *Unexpressible) Start(c *flow.Context) flow.Next { return flow.Goto(f.Infer) }

// Infer wants Inferentia chips and a secret read with another role.
//
//flow:batch inferentia=1 // want "FLOW080 .*batch inferentia"
//flow:secrets sources=[arn:aws:secretsmanager:eu-west-1:123456789012:secret:db] role=arn:aws:iam::123456789012:role/reader // want "FLOW080 .*secrets role="
func (f *Unexpressible) Infer(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Unexpressible) End(c *flow.Context) {}
