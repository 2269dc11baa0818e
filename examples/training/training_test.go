package training

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

func TestStartSplitsAndFansOut(t *testing.T) {
	f := &Training{Seed: 7, Samples: 100, Epochs: 10, TestSize: 0.25, LearningRates: []float64{0.1, 1}}
	next, err := f.Start(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Start"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Train) != 75 || len(f.Valid) != 25 {
		t.Errorf("split %d/%d rows, want 75/25", len(f.Train), len(f.Valid))
	}
	tr := flow.Inspect(next)
	if tr.Kind != flow.KindForeach || !slices.Equal(tr.Steps, []string{"Fit"}) || tr.Splits != len(f.Grid) || tr.Splits != 4 {
		t.Errorf("Start returned %+v, want a foreach of 4 Fit tasks", tr)
	}
}

func TestStartRejectsBadTestSize(t *testing.T) {
	f := &Training{Samples: 10, TestSize: 1.5, LearningRates: []float64{0.1}}
	if _, err := f.Start(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Start"})); err == nil {
		t.Error("Start accepted test-size 1.5")
	}
}

func TestDatasetIsDeterministic(t *testing.T) {
	a, b := makeDataset(3, 50), makeDataset(3, 50)
	for i := range a {
		if !slices.Equal(a[i].X, b[i].X) || a[i].Y != b[i].Y {
			t.Fatalf("row %d differs between two draws with the same seed", i)
		}
	}
}

func TestFitLearns(t *testing.T) {
	train, valid := split(makeDataset(1, 1000), 0.2, 1)
	f := &Training{Epochs: 200, Train: train, Valid: valid}
	hp := HyperParams{LearningRate: 0.5}
	c := flow.NewContext(t.Context(), flow.TaskInfo{
		Step:    "Fit",
		Foreach: []flow.Frame{{Step: "Start", Var: "Grid", Index: 0, Splits: 1}},
		Input:   hp,
	})
	next, err := f.Fit(c)
	if err != nil {
		t.Fatal(err)
	}
	// A model that knows nothing predicts 0.5 everywhere: log loss ln 2.
	if f.Model.ValLoss >= math.Ln2 || f.Model.ValAccuracy < 0.7 {
		t.Errorf("val loss %.3f, accuracy %.3f: the model did not learn", f.Model.ValLoss, f.Model.ValAccuracy)
	}
	if f.Model.Params != hp {
		t.Errorf("model records %+v, want %+v", f.Model.Params, hp)
	}
	if tr := flow.Inspect(next); !slices.Equal(tr.Steps, []string{"Pick"}) {
		t.Errorf("Fit goes to %v, want [Pick]", tr.Steps)
	}
}

// TestLearningRatesDefault checks that the JSON parameter's default is valid
// JSON of the field's type, as flowc requires.
func TestLearningRatesDefault(t *testing.T) {
	field, _ := reflect.TypeFor[Training]().FieldByName("LearningRates")
	var rates []float64
	if err := json.Unmarshal([]byte(field.Tag.Get("default")), &rates); err != nil || len(rates) == 0 {
		t.Errorf("LearningRates default %q: %v", field.Tag.Get("default"), err)
	}
}
