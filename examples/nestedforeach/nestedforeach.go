package nestedforeach

import (
	"hash/fnv"

	"github.com/flowc-dev/flowc/flow"
)

// Forecast trains one demand model per region and model family, and keeps
// the best family for each region.
type Forecast struct {
	// Regions is split over by Start: one Region task each.
	Regions []string
	// CurrentRegion is the region of a Region task and of the Train tasks
	// it starts.
	CurrentRegion string
	// Models is split over by each Region task: one Train task each.
	Models []string
	// Score is one Train task's validation score, higher is better.
	Score Score
	// Best is the best Score of one region, set by JoinModels.
	Best Score
	// Winners holds each region's Best in the order of Regions, set by
	// JoinRegions.
	Winners []Score
}

// Score is how well one model family did in one region.
type Score struct {
	Region string
	Model  string
	Value  float64
}

// Start lists the regions.
func (f *Forecast) Start(c *flow.Context) flow.Next {
	f.Regions = []string{"eu", "us", "apac"}
	return flow.Foreach(f.Regions, f.Region)
}

// Region picks the model families worth trying in this task's region and
// fans out again.
func (f *Forecast) Region(c *flow.Context) flow.Next {
	f.CurrentRegion = flow.Input[string](c)
	f.Models = []string{"linear", "tree", "seasonal"}
	if f.CurrentRegion == "apac" {
		f.Models = append(f.Models, "holiday-aware")
	}
	return flow.Foreach(f.Models, f.Train)
}

// Train "trains" one model family for one region. The score stands in for
// real training: a deterministic function of the region and family.
func (f *Forecast) Train(c *flow.Context) flow.Next {
	model := flow.Input[string](c)
	f.Score = Score{Region: f.CurrentRegion, Model: model, Value: fakeScore(f.CurrentRegion, model)}
	stack := c.ForeachStack() // [0] is the Regions frame, [1] the Models frame
	c.Logger().Info("trained", "region", f.CurrentRegion, "region_index", stack[0].Index,
		"model", model, "model_index", stack[1].Index, "score", f.Score.Value)
	return flow.Goto(f.JoinModels)
}

// JoinModels closes the inner foreach: it sees the Train tasks of one
// region and keeps the best.
func (f *Forecast) JoinModels(c *flow.Context, in flow.Inputs[Forecast]) flow.Next {
	for i, task := range in.All() {
		if i == 0 || task.Score.Value > f.Best.Value {
			f.Best = task.Score
		}
	}
	return flow.Goto(f.JoinRegions)
}

// JoinRegions closes the outer foreach: it sees one JoinModels task per
// region, in the order of Regions.
func (f *Forecast) JoinRegions(c *flow.Context, in flow.Inputs[Forecast]) flow.Next {
	for _, region := range in.All() {
		f.Winners = append(f.Winners, region.Best)
	}
	return flow.Goto(f.End)
}

// End reports each region's winner.
func (f *Forecast) End(c *flow.Context) {
	for _, w := range f.Winners {
		c.Logger().Info("winner", "region", w.Region, "model", w.Model, "score", w.Value)
	}
}

// fakeScore returns a score in [0, 1) that depends only on region and model.
func fakeScore(region, model string) float64 {
	h := fnv.New32a()
	h.Write([]byte(region + "/" + model))
	return float64(h.Sum32()%1000) / 1000
}
