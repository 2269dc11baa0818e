package production

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// TestDefaultsParse checks the defaults that are not plain strings: flowc
// reports a bad one at compile time, this test as soon as it is written.
func TestDefaultsParse(t *testing.T) {
	typ := reflect.TypeFor[FraudScoring]()
	field := func(name string) string {
		f, _ := typ.FieldByName(name)
		return f.Tag.Get("default")
	}
	var w RiskWeights
	if err := json.Unmarshal([]byte(field("Weights")), &w); err != nil || math.Abs(w.Amount+w.Foreign+w.Night-1) > 1e-9 {
		t.Errorf("Weights default %+v, %v: want valid JSON weights adding up to 1", w, err)
	}
	if _, err := time.ParseDuration(field("Lookback")); err != nil {
		t.Errorf("Lookback default: %v", err)
	}
}

func TestStartChecksThreshold(t *testing.T) {
	f := &FraudScoring{Threshold: 2, BatchSize: 1}
	if _, err := f.Start(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Start"})); err == nil {
		t.Error("Start accepted a threshold of 2")
	}
}

func TestExtractAndScore(t *testing.T) {
	f := &FraudScoring{
		BatchSize: 1000, MaxRows: 200, Threshold: 0.5, Countries: []string{"NL"},
		Weights: RiskWeights{Amount: 0.6, Foreign: 0.3, Night: 0.1},
	}
	c := flow.NewContext(t.Context(), flow.TaskInfo{RunID: "42"})
	f.Extract(c)
	if len(f.Transactions) == 0 || len(f.Transactions) >= 200 {
		t.Fatalf("extracted %d of 200 transactions from NL, want some but not all", len(f.Transactions))
	}
	for _, tx := range f.Transactions {
		if tx.Country != "NL" {
			t.Fatalf("extracted a transaction from %s", tx.Country)
		}
	}

	f.Transactions = []Transaction{
		{ID: 1, Amount: 2000, Foreign: true, Hour: 3},  // risk 1
		{ID: 2, Amount: 100, Foreign: false, Hour: 12}, // risk 0.06
		{ID: 3, Amount: 500, Foreign: true, Hour: 14},  // risk 0.6
	}
	next := flow.Inspect(f.Score(c))
	var ids []int64
	for _, flag := range f.Flagged {
		ids = append(ids, flag.ID)
	}
	if !slices.Equal(ids, []int64{1, 3}) || !slices.Equal(next.Steps, []string{"Report"}) {
		t.Errorf("flagged %v and goes to %v; want transactions 1 and 3, [Report]", f.Flagged, next.Steps)
	}
}

// TestHooks calls the exit hooks as the runner does, with the run's facts.
func TestHooks(t *testing.T) {
	info := flow.RunInfo{Flow: "FraudScoring", RunID: "1", Pathspec: "FraudScoring/1", Status: "failed",
		FailedTask: "FraudScoring/1/Score/0", Error: "boom"}
	if err := Page(t.Context(), info); err != nil {
		t.Errorf("Page: %v", err)
	}
	info.Status = "succeeded"
	if err := Announce(t.Context(), info); err != nil {
		t.Errorf("Announce: %v", err)
	}
}
