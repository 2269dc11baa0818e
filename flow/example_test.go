package flow_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/flowc-dev/flowc/flow"
)

// Training trains one model per region and publishes the best, written as a
// flowc user writes a flow: Start → Clean, Profile → Prepare → Fit × regions
// → Pick → Publish or End.
type Training struct {
	ModelType string `flow:"param" default:"forest" help:"which model to train"`

	Regions []string
	Rows    int     // set by Clean
	Mean    float64 // set by Profile
	Model   string
	Score   float64
	Failure *flow.CaughtError // set by //flow:catch on Publish
}

// Start picks the regions and cleans and profiles the data in parallel.
func (f *Training) Start(c *flow.Context) flow.Next {
	f.Regions = []string{"eu", "us", "apac"}
	return flow.Branch(f.Clean, f.Profile)
}

// Clean counts the rows that survive cleaning.
func (f *Training) Clean(c *flow.Context) flow.Next {
	f.Rows = 1200
	return flow.Goto(f.Prepare)
}

// Profile computes the label mean.
func (f *Training) Profile(c *flow.Context) flow.Next {
	f.Mean = 0.4
	return flow.Goto(f.Prepare)
}

// Prepare joins the branches and trains one model per region.
func (f *Training) Prepare(c *flow.Context, in flow.Inputs[Training]) (flow.Next, error) {
	if err := in.MergeArtifacts(f); err != nil {
		return nil, err
	}
	return flow.Foreach(f.Regions, f.Fit), nil
}

// Fit trains on this task's region.
//
//flow:retry times=3
func (f *Training) Fit(c *flow.Context) (flow.Next, error) {
	region := flow.Input[string](c)
	score, ok := holdoutScore[region]
	if !ok {
		return nil, fmt.Errorf("fit %s: no data for region %q", f.ModelType, region)
	}
	f.Model, f.Score = f.ModelType+"-"+region, score
	c.Logger().Info("fitted", "model", f.Model, "score", f.Score)
	return flow.Goto(f.Pick), nil
}

var holdoutScore = map[string]float64{"eu": 0.81, "us": 0.93, "apac": 0.77}

// Pick keeps the best model and publishes it only if it is good enough.
func (f *Training) Pick(c *flow.Context, in flow.Inputs[Training]) flow.Next {
	for _, t := range in.All() {
		if t.Score > f.Score {
			f.Model, f.Score = t.Model, t.Score
		}
	}
	if f.Score >= 0.9 {
		return flow.Goto(f.Publish)
	}
	return flow.Goto(f.End)
}

// Publish uploads the model; its last failure is caught into f.Failure.
//
//flow:catch var=Failure
func (f *Training) Publish(c *flow.Context) (flow.Next, error) {
	if err := c.Context().Err(); err != nil {
		return nil, err
	}
	return flow.Goto(f.End), nil
}

// End reports the outcome.
func (f *Training) End(c *flow.Context) error { return nil }

func ExampleGoto() {
	// Pick is a conditional step: its returns name two Goto targets and the
	// best score decides which one runs.
	c := flow.NewContext(context.Background(), flow.TaskInfo{Flow: "Training", Step: "Pick"})
	for _, score := range []float64{0.93, 0.62} {
		f := &Training{}
		next := f.Pick(c, flow.InputsOf(&Training{Model: "forest-us", Score: score}))
		fmt.Println(score, "goes to", flow.Inspect(next).Steps)
	}
	// Output:
	// 0.93 goes to [Publish]
	// 0.62 goes to [End]
}

func ExampleBranch() {
	f := &Training{}
	t := flow.Inspect(f.Start(flow.NewContext(context.Background(), flow.TaskInfo{Step: "Start"})))
	fmt.Println(t.Kind, t.Steps)
	// Output: branch [Clean Profile]
}

func ExampleForeach() {
	regions := []string{"eu", "us", "apac"}
	in := flow.InputsOf(
		&Training{Regions: regions, Rows: 1200}, // from Clean
		&Training{Regions: regions, Mean: 0.4},  // from Profile
	)
	f := &Training{}
	next, err := f.Prepare(flow.NewContext(context.Background(), flow.TaskInfo{Step: "Prepare"}), in)
	if err != nil {
		fmt.Println(err)
		return
	}
	t := flow.Inspect(next)
	fmt.Println(t.Kind, t.Steps, t.Splits)
	// Output: foreach [Fit] 3
}

func ExampleInput() {
	// The second of Prepare's three Fit tasks, as flowc's runtime sets it up.
	c := flow.NewContext(context.Background(), flow.TaskInfo{
		Step:    "Fit",
		Foreach: []flow.Frame{{Step: "Prepare", Var: "Regions", Index: 1, Splits: 3}},
		Input:   "us",
	})
	region := flow.Input[string](c)
	fmt.Println(region, c.Index())
	// Output: us 1
}

func ExampleInputs_MergeArtifacts() {
	regions := []string{"eu", "us", "apac"}
	clean := &Training{Regions: regions, Rows: 1200}
	profile := &Training{Regions: regions, Rows: 1150, Mean: 0.4}
	in := flow.InputsOf(clean, profile)

	// Both branches changed Rows: a conflict, and nothing is merged.
	var f Training
	fmt.Println(in.MergeArtifacts(&f))
	fmt.Println(f.Regions == nil)

	// Settle the conflict in the join, then merge the rest.
	f.Rows = clean.Rows
	if err := in.MergeArtifacts(&f); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Regions, f.Rows, f.Mean)
	// Output:
	// merge artifacts: conflicting values for Rows (assign them in the join before merging, or Exclude them)
	// true
	// [eu us apac] 1200 0.4
}

func ExampleInputsOf() {
	// A unit test of the Pick join with three Fit tasks' results.
	in := flow.InputsOf(
		&Training{Model: "forest-eu", Score: 0.81},
		&Training{Model: "forest-us", Score: 0.93},
		&Training{Model: "forest-apac", Score: 0.77},
	)
	f := &Training{}
	next := f.Pick(flow.NewContext(context.Background(), flow.TaskInfo{Step: "Pick"}), in)
	fmt.Println(in.Len(), f.Model, f.Score, flow.Inspect(next).Steps)
	// Output: 3 forest-us 0.93 [Publish]
}

func ExampleNewContext() {
	// A unit test of the Fit step: the Context flowc's runtime would pass,
	// with the task's log sent to stdout.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // drop the time, for a stable output
			}
			return a
		},
	}))
	c := flow.NewContext(context.Background(), flow.TaskInfo{
		Flow: "Training", RunID: "1718000000", Step: "Fit", TaskID: "7",
		Foreach: []flow.Frame{{Step: "Prepare", Var: "Regions", Index: 2, Splits: 3}},
		Input:   "apac",
		Logger:  logger,
	})
	f := &Training{ModelType: "forest"}
	if _, err := f.Fit(c); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Pathspec(), c.Index(), c.RetryCount())
	// Output:
	// level=INFO msg=fitted model=forest-apac score=0.77
	// Training/1718000000/Fit/7 2 0
}

func ExampleInspect() {
	// Inspect lets a test assert where a step goes.
	f := &Training{}
	t := flow.Inspect(f.Clean(flow.NewContext(context.Background(), flow.TaskInfo{Step: "Clean"})))
	fmt.Printf("%v %q %d\n", t.Kind, t.Steps, t.Splits)

	// A failing step returns a nil Next, which Inspect reports as the zero
	// Transition.
	fmt.Println(flow.Inspect(nil).Kind == 0)
	// Output:
	// goto ["Prepare"] 0
	// true
}

func ExampleCaughtError() {
	// Publish failed on its last attempt; //flow:catch var=Failure stored the
	// error and the run went on to End, which sees it as an artifact.
	f := &Training{
		Model: "forest-us",
		Failure: &flow.CaughtError{
			Step: "Publish", Attempt: 0, Type: "*errors.errorString",
			Message: "model registry unavailable",
		},
	}
	if f.Failure != nil {
		fmt.Println(f.Model, "not published:", f.Failure)
	}
	// Output: forest-us not published: step Publish, attempt 0: model registry unavailable
}
