package training

import (
	"context"
	"math"
	"math/rand/v2"
)

// Example is one labelled row of the dataset: its features and a label of 0
// or 1.
type Example struct {
	X []float64
	Y float64
}

// HyperParams is one setting of the grid Fit searches.
type HyperParams struct {
	LearningRate float64
	L2           float64 // strength of the L2 penalty on the weights
}

// Model is a fitted logistic regression and how well it did.
type Model struct {
	Params      HyperParams
	Weights     []float64
	Bias        float64
	TrainLoss   float64 // mean log loss on the training set
	ValLoss     float64 // mean log loss on the validation set
	ValAccuracy float64 // fraction of the validation set classified right
}

// Predict returns the model's probability that x has label 1.
func (m Model) Predict(x []float64) float64 {
	z := m.Bias
	for j, w := range m.Weights {
		z += w * x[j]
	}
	return 1 / (1 + math.Exp(-z))
}

// trueWeights and trueBias define the ground truth the dataset is drawn
// from; the last feature is pure noise.
var (
	trueWeights = []float64{1.5, -2.0, 0.75, 0}
	trueBias    = 0.25
)

// makeDataset draws n rows with standard-normal features and labels drawn
// from the true logistic model. The same seed always gives the same rows.
func makeDataset(seed uint64, n int) []Example {
	r := rand.New(rand.NewPCG(seed, 1))
	truth := Model{Weights: trueWeights, Bias: trueBias}
	data := make([]Example, n)
	for i := range data {
		x := make([]float64, len(trueWeights))
		for j := range x {
			x[j] = r.NormFloat64()
		}
		y := 0.0
		if r.Float64() < truth.Predict(x) {
			y = 1
		}
		data[i] = Example{X: x, Y: y}
	}
	return data
}

// split shuffles data with its own seeded generator and holds out the
// fraction testSize of it for validation.
func split(data []Example, testSize float64, seed uint64) (train, valid []Example) {
	shuffled := append([]Example(nil), data...)
	r := rand.New(rand.NewPCG(seed, 2))
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	cut := len(shuffled) - int(math.Round(testSize*float64(len(shuffled))))
	return shuffled[:cut], shuffled[cut:]
}

// fit runs full-batch gradient descent on the mean log loss plus the L2
// penalty, starting from zero weights. It stops early when ctx is done.
func fit(ctx context.Context, data []Example, hp HyperParams, epochs int) (Model, error) {
	m := Model{Params: hp, Weights: make([]float64, len(trueWeights))}
	grad := make([]float64, len(m.Weights))
	n := float64(len(data))
	for range epochs {
		if err := ctx.Err(); err != nil {
			return Model{}, err
		}
		clear(grad)
		gradBias := 0.0
		for _, ex := range data {
			residual := m.Predict(ex.X) - ex.Y
			for j, x := range ex.X {
				grad[j] += residual * x
			}
			gradBias += residual
		}
		for j := range m.Weights {
			m.Weights[j] -= hp.LearningRate * (grad[j]/n + hp.L2*m.Weights[j])
		}
		m.Bias -= hp.LearningRate * gradBias / n
	}
	m.TrainLoss = logLoss(m, data)
	return m, nil
}

// logLoss returns the mean negative log-likelihood of data under m. Clamping
// the probability keeps a confident mistake finite.
func logLoss(m Model, data []Example) float64 {
	const eps = 1e-12
	sum := 0.0
	for _, ex := range data {
		p := min(max(m.Predict(ex.X), eps), 1-eps)
		sum -= ex.Y*math.Log(p) + (1-ex.Y)*math.Log(1-p)
	}
	return sum / float64(len(data))
}

// accuracy returns the fraction of data that m classifies right at the 0.5
// threshold.
func accuracy(m Model, data []Example) float64 {
	right := 0
	for _, ex := range data {
		if (m.Predict(ex.X) >= 0.5) == (ex.Y == 1) {
			right++
		}
	}
	return float64(right) / float64(len(data))
}
