package config

import (
	"slices"
	"testing"

	"github.com/flowc-dev/flowc/flowtest"
)

// TestRunWithProdConfig runs the whole flow, as flowc run would, with
// prod.toml in place of settings.toml, and reads what each step saved.
func TestRunWithProdConfig(t *testing.T) {
	res := flowtest.Run[Churn](t, flowtest.Options{Configs: map[string]string{"cfg": "prod.toml"}})
	start := res.Task("Start")
	if start.Plan.Model != "churn-logistic" || !slices.Equal(start.Plan.Features, []string{"tenure_months", "monthly_spend", "support_tickets"}) {
		t.Errorf("Start planned %+v", start.Plan)
	}
	if train := res.Task("Train"); train.Batches != 5 || train.Cfg.Data.BatchSize != 5000 {
		t.Errorf("Train read %d batches of %d rows, want 5 of 5000", train.Batches, train.Cfg.Data.BatchSize)
	}
}
