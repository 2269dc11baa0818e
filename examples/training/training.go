package training

import (
	"fmt"

	"github.com/flowc-dev/flowc/flow"
)

// Training fits one logistic regression per hyper-parameter setting and
// keeps the best by validation loss.
type Training struct {
	Seed     int     `flow:"param" default:"42" help:"seed of the synthetic data and of the split"`
	Samples  int     `flow:"param" default:"2000" help:"rows in the synthetic dataset"`
	Epochs   int     `flow:"param" default:"300" help:"gradient-descent passes over the training set"`
	TestSize float64 `flow:"param" default:"0.2" help:"fraction of the rows held out for validation"`
	// LearningRates is a JSON parameter: any type other than the scalar
	// ones, time.Duration and []string is written on the command line as
	// JSON.
	LearningRates []float64 `flow:"param" default:"[0.01, 0.1, 1.0]" help:"learning rates to try, a JSON list"`

	// Train and Valid are the two halves of the dataset, made by Start and
	// seen by every Fit task.
	Train []Example
	Valid []Example
	// Grid holds the settings to try: one Fit task per element.
	Grid []HyperParams
	// Model is what one Fit task learned.
	Model Model
	// Leaderboard holds every Fit task's model in grid order, and Best the
	// one with the lowest validation loss. Pick sets both.
	Leaderboard []Model
	Best        Model
}

// l2Penalties are the regularisation strengths tried with each learning
// rate.
var l2Penalties = []float64{0, 0.01}

// Start makes the dataset, splits it and builds the hyper-parameter grid.
func (f *Training) Start(c *flow.Context) (flow.Next, error) {
	if f.TestSize <= 0 || f.TestSize >= 1 {
		return nil, fmt.Errorf("test-size must be between 0 and 1, got %g", f.TestSize)
	}
	if len(f.LearningRates) == 0 {
		return nil, fmt.Errorf("learning-rates: give at least one")
	}
	data := makeDataset(uint64(f.Seed), f.Samples)
	f.Train, f.Valid = split(data, f.TestSize, uint64(f.Seed))
	for _, lr := range f.LearningRates {
		for _, l2 := range l2Penalties {
			f.Grid = append(f.Grid, HyperParams{LearningRate: lr, L2: l2})
		}
	}
	c.Logger().Info("dataset ready", "train", len(f.Train), "valid", len(f.Valid), "settings", len(f.Grid))
	return flow.Foreach(f.Grid, f.Fit), nil
}

// Fit trains one model on the training set with this task's element of
// Grid and scores it on the validation set. A cancelled context (a timeout,
// or the run being stopped) fails the attempt; retry runs it again. A
// model depends only on the data, its settings and Epochs, so the step
// cache reuses it: a second run with the same parameters fits nothing.
//
//flow:resources cpu=2 memory=4096
//flow:retry times=2
//flow:cache
func (f *Training) Fit(c *flow.Context) (flow.Next, error) {
	hp := flow.Input[HyperParams](c)
	m, err := fit(c.Context(), f.Train, hp, f.Epochs)
	if err != nil {
		return nil, fmt.Errorf("fit %+v: %w", hp, err)
	}
	m.ValLoss = logLoss(m, f.Valid)
	m.ValAccuracy = accuracy(m, f.Valid)
	f.Model = m
	c.Logger().Info("fitted", "index", c.Index(), "lr", hp.LearningRate, "l2", hp.L2,
		"train_loss", m.TrainLoss, "val_loss", m.ValLoss)
	return flow.Goto(f.Pick), nil
}

// Pick is the join of the foreach: it receives one typed view per Fit task,
// in grid order, and keeps the model with the lowest validation loss. Like
// every join it starts with only the parameters set, so the datasets stay
// behind. Its leaderboard card shows every model's scores.
//
//flow:card type=blank id=leaderboard
func (f *Training) Pick(c *flow.Context, in flow.Inputs[Training]) flow.Next {
	var rows [][]any
	var labels []string
	var losses []float64
	for i, task := range in.All() {
		m := task.Model
		f.Leaderboard = append(f.Leaderboard, m)
		if i == 0 || m.ValLoss < f.Best.ValLoss {
			f.Best = m
		}
		rows = append(rows, []any{m.Params.LearningRate, m.Params.L2, m.TrainLoss, m.ValLoss, m.ValAccuracy})
		labels = append(labels, fmt.Sprintf("%g/%g", m.Params.LearningRate, m.Params.L2))
		losses = append(losses, m.ValLoss)
	}
	c.CardID("leaderboard").
		Markdown(fmt.Sprintf("## Leaderboard\n\nBest: learning rate %g, L2 %g, validation loss %.4f.",
			f.Best.Params.LearningRate, f.Best.Params.L2, f.Best.ValLoss)).
		BarChart("validation loss by learning rate / L2", labels, losses).
		Table(rows, "learning rate", "L2", "train loss", "validation loss", "validation accuracy")
	return flow.Goto(f.End)
}

// End reports the winner.
func (f *Training) End(c *flow.Context) error {
	c.Logger().Info("best model",
		"lr", f.Best.Params.LearningRate, "l2", f.Best.Params.L2,
		"val_loss", f.Best.ValLoss, "val_accuracy", f.Best.ValAccuracy)
	return nil
}
