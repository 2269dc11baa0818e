// Package training trains a small model several ways in parallel and keeps
// the best, in pure Go: the shape of Metaflow's classic "fit one model per
// hyper-parameter setting" tutorial.
//
// Start draws a synthetic binary-classification dataset from a seeded
// generator, splits it into training and validation sets and builds a grid
// of hyper-parameters. A foreach runs one Fit task per grid point; each fits
// a logistic regression by full-batch gradient descent. The Pick join reads
// every Fit task's model through its typed inputs and keeps the one with the
// lowest validation loss.
//
// It shows:
//   - parameters of several types, including a JSON list (LearningRates);
//   - a foreach over a slice of structs, read with flow.Input[HyperParams];
//   - a step that fails by returning an error, and //flow:retry on it;
//   - //flow:resources on the expensive step;
//   - //flow:cache on it too: a run with the parameters of an earlier run
//     reuses that run's models instead of fitting them again;
//   - a join that builds its own artifacts from in.All().
//
// Run it with
//
//	flowc run ./examples/training --epochs=500 --learning-rates='[0.05, 0.5]'
package training
