package card_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// runExample runs an example with the local runtime into a new datastore
// and returns a client on it and the run.
func runExample(t *testing.T, name string, params map[string]json.RawMessage) (*client.Client, *client.Run) {
	t.Helper()
	dir := filepath.Join("../examples", name)
	pkg, diags := check.Load(dir, parser.Options{})
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	var out bytes.Buffer
	res, err := exec.Run(context.Background(), exec.Options{Plan: f, PkgDir: dir, Root: root, Out: &out, Params: params})
	if err != nil || res.Status != datastore.RunSucceeded {
		t.Fatalf("run %s: %v %v\n%s", name, err, res, out.String())
	}
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Namespace(client.Global).Flow(f.Name).Run(res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	return c, run
}

// keep writes a card where a person can look at it: under
// $FLOWC_TEST_ARTIFACTS when set.
func keep(t *testing.T, name string, page []byte) {
	dir := os.Getenv("FLOWC_TEST_ARTIFACTS")
	if dir == "" {
		return
	}
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err == nil && os.WriteFile(p, page, 0o644) == nil {
		t.Logf("card kept in %s", p)
	}
}

// TestProductionCard runs the production example, whose Report step has a
// default card and appends Markdown, a progress bar, a table of structs
// and a bar chart, and checks what the card holds.
func TestProductionCard(t *testing.T) {
	_, run := runExample(t, "production", map[string]json.RawMessage{"Owner": json.RawMessage(`"ana"`), "Threshold": json.RawMessage(`0.4`)})
	report, err := run.Step("Report").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	cards, err := report.Cards()
	if err != nil || len(cards) != 1 || cards[0].Type != "default" {
		t.Fatalf("Report's cards: %v, %v", cards, err)
	}
	out, _, err := report.Card("")
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "production-report.html", out)
	page := string(out)
	var flagged []struct{ ID int64 }
	if err := report.Artifact("Flagged", &flagged); err != nil || len(flagged) == 0 {
		t.Fatalf("no flags at threshold 0.4: %v", err)
	}
	for _, want := range []string{
		report.Pathspec(), `<span class="status ok">ok</span>`, // metadata
		"<h2>Fraud review</h2>", "transactions flagged above a risk of 0.40", // Markdown
		"flags reviewed: ", "(100%)", // the progress bar, at its end
		"<th>ID</th><th>Risk</th>",                                         // the table of Flag structs
		`aria-label="flags by risk"`,                                       // the bar chart
		"<td>Threshold</td><td>float64</td><td class=\"preview\">0.4</td>", // parameters
		"<td>Owner</td>", `&#34;ana&#34;`,
		"<td>Flagged</td>", "[]production.Flag", "<td>Transactions</td>", // artifacts
		`class="node here" data-step="Report"`, `data-step="Extract"`, // the graph
	} {
		if !strings.Contains(page, want) {
			t.Errorf("card lacks %q", want)
		}
	}
	if n := strings.Count(page, "<tr><td>"); n < len(flagged) {
		t.Errorf("card has %d table rows for %d flags", n, len(flagged))
	}
	selfContained(t, page)

	// Steps without a card directive have none.
	end, err := run.EndTask()
	if err != nil {
		t.Fatal(err)
	}
	if cards, err := end.Cards(); err != nil || len(cards) != 0 {
		t.Errorf("End's cards: %v, %v", cards, err)
	}
	if _, _, err := end.Card(""); err == nil || !strings.Contains(err.Error(), "has no cards") {
		t.Errorf("End's card: %v", err)
	}
}

// TestTrainingCard runs the training example, whose join Pick has a blank
// card with an id, filled through c.CardID: only what the step appended.
func TestTrainingCard(t *testing.T) {
	_, run := runExample(t, "training", map[string]json.RawMessage{"Epochs": json.RawMessage(`20`)})
	pick, err := run.Step("Pick").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	cards, err := pick.Cards()
	if err != nil || len(cards) != 1 || cards[0].Type != "blank" || cards[0].ID != "leaderboard" {
		t.Fatalf("Pick's cards: %v, %v", cards, err)
	}
	out, _, err := pick.Card("leaderboard")
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "training-leaderboard.html", out)
	page := string(out)
	var board []struct{ ValLoss float64 }
	if err := pick.Artifact("Leaderboard", &board); err != nil || len(board) == 0 {
		t.Fatalf("Leaderboard: %v", err)
	}
	contains := func(want string) {
		if !strings.Contains(page, want) {
			t.Errorf("card lacks %q", want)
		}
	}
	contains("<h2>Leaderboard</h2>")
	contains(`aria-label="validation loss by learning rate / L2"`)
	contains("<th>validation accuracy</th>")
	if n := strings.Count(page, "<rect x="); n < len(board) {
		t.Errorf("%d bars for %d models", n, len(board))
	}
	if n := strings.Count(page, "<tr><td>"); n != len(board) {
		t.Errorf("%d table rows for %d models", n, len(board))
	}
	for _, absent := range []string{"<h2>Parameters</h2>", "<h2>Artifacts</h2>", `class="dag"`} {
		if strings.Contains(page, absent) {
			t.Errorf("a blank card shows %q", absent)
		}
	}
	selfContained(t, page)
}
