package bad

import "github.com/flowc-dev/flowc/flow"

// Long has a step whose name does not fit in a Step Functions state name
// with the suffixes the target adds.
type Long struct{}

func (f *Long) Start(c *flow.Context) flow.Next {
	return flow.Goto(f.PrepareTheTrainingDataFromEveryRegionAndEveryMarketAllAtOnceNow)
}

func (f *Long) PrepareTheTrainingDataFromEveryRegionAndEveryMarketAllAtOnceNow(c *flow.Context) flow.Next { // want "FLOW081 .*63 characters long"
	return flow.Goto(f.End)
}

func (f *Long) End(c *flow.Context) {}
