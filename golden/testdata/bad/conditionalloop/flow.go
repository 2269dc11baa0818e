package bad

import "github.com/flowc-dev/flowc/flow"

// Retrain loops back from a conditional step to an earlier step. A
// conditional step may only loop to itself: Metaflow's recursive switch.
type Retrain struct {
	Score float64
}

func (f *Retrain) Start(c *flow.Context) flow.Next { return flow.Goto(f.Train) }

func (f *Retrain) Train(c *flow.Context) flow.Next {
	f.Score += 0.1
	return flow.Goto(f.Evaluate)
}

func (f *Retrain) Evaluate(c *flow.Context) flow.Next {
	if f.Score < 0.9 {
		return flow.Goto(f.Train) // want "FLOW032 .*loop Train -> Evaluate -> Train: only a conditional step may loop, and only to itself"
	}
	return flow.Goto(f.End)
}

func (f *Retrain) End(c *flow.Context) {}
