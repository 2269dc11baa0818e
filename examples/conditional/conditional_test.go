package conditional

import (
	"slices"
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

func TestAssessChoosesByScore(t *testing.T) {
	for _, tc := range []struct {
		missing int // of 100 readings
		want    string
	}{
		{0, "Advanced"},
		{10, "Standard"},
		{50, "CleanFirst"},
	} {
		f := &Quality{Readings: make([]Reading, 100)}
		for i := range tc.missing {
			f.Readings[i].Missing = true
		}
		tr := flow.Inspect(f.Assess(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Assess"})))
		if !slices.Equal(tr.Steps, []string{tc.want}) {
			t.Errorf("%d%% missing: Assess goes to %v, want [%s]", tc.missing, tr.Steps, tc.want)
		}
	}
}

func TestCleanFirstFillsGaps(t *testing.T) {
	gap := Reading{Missing: true}
	f := &Quality{Readings: []Reading{gap, {Value: 10}, gap, {Value: 20}, gap}}
	f.CleanFirst(flow.NewContext(t.Context(), flow.TaskInfo{Step: "CleanFirst"}))
	want := []Reading{{Value: 15}, {Value: 10}, {Value: 10}, {Value: 20}, {Value: 20}}
	if !slices.Equal(f.Readings, want) || f.Cleaned != 3 {
		t.Errorf("cleaned %d to %v, want 3 to %v", f.Cleaned, f.Readings, want)
	}
}

func TestDefaultsGoStandard(t *testing.T) {
	f := &Quality{Seed: 1, MissingRate: 0.1}
	c := flow.NewContext(t.Context(), flow.TaskInfo{})
	f.Start(c)
	if tr := flow.Inspect(f.Assess(c)); !slices.Equal(tr.Steps, []string{"Standard"}) {
		t.Errorf("with the defaults Assess goes to %v (score %.2f)", tr.Steps, f.Score)
	}
}
