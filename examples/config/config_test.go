package config

import (
	"slices"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/flowc-dev/flowc/flow"
)

// loadSettings decodes settings.toml as flowc does, and fails on any key
// that Settings does not mirror.
func loadSettings(t *testing.T) Settings {
	t.Helper()
	var s Settings
	md, err := toml.DecodeFile("settings.toml", &s)
	if err != nil {
		t.Fatal(err)
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		t.Fatalf("settings.toml has keys Settings does not mirror: %v", keys)
	}
	return s
}

func TestSettingsFile(t *testing.T) {
	s := loadSettings(t)
	if s.Model.Name == "" || s.Data.BatchSize <= 0 || s.Resources.CPU <= 0 || s.Resources.Memory <= 0 || s.Schedule.Cron == "" {
		t.Errorf("settings.toml leaves a setting the flow needs unset: %+v", s)
	}
}

func TestTrain(t *testing.T) {
	f := &Churn{Cfg: loadSettings(t)}
	c := flow.NewContext(t.Context(), flow.TaskInfo{})
	f.Start(c)
	next := flow.Inspect(f.Train(c))
	if f.Batches != 25 || !slices.Equal(next.Steps, []string{"End"}) {
		t.Errorf("Train read %d batches and goes to %v; want 25, [End]", f.Batches, next.Steps)
	}
}
