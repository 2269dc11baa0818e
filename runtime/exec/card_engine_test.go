package exec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestEngineCards: a task an engine starts (no scheduler, --capture-logs)
// makes its card as a local task does, with the graph from the plan
// compiled into the runner.
func TestEngineCards(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, "../../examples/production", "engine-cards")
	e.params = []string{"owner=ana", "threshold=0.4"}
	e.runAll()
	st, err := datastore.OpenLocal(e.root)
	if err != nil {
		t.Fatal(err)
	}
	p := datastore.TaskPath{Flow: e.plan.Name, Run: e.run, Step: "Report", Task: "0"}
	cards, err := st.ListCards(ctx, p)
	if err != nil || len(cards) != 1 {
		t.Fatalf("Report's cards: %v %v", cards, err)
	}
	page, err := st.GetCard(ctx, p, cards[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h2>Fraud review</h2>", `class="node here" data-step="Report"`, `<span class="status ok">ok</span>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the engine's card lacks %q", want)
		}
	}
}
