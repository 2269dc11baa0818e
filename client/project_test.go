package client_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestProject: Client.Project keeps one project's runs, or one branch's,
// so that a branch's latest successful run is its own; Run.Project,
// IsProduction and Trigger read the run's record.
func TestProject(t *testing.T) {
	root := t.TempDir()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, r := range []struct {
		id     string
		tags   []string
		status datastore.RunStatus
	}{
		{"1", []string{"project:fraud", "project_branch:prod", "production"}, datastore.RunSucceeded},
		{"2", []string{"project:fraud", "project_branch:user.ana"}, datastore.RunSucceeded},
		{"3", []string{"project:fraud", "project_branch:prod", "production"}, datastore.RunFailed},
		{"4", nil, datastore.RunSucceeded},
	} {
		doc := datastore.Run{Flow: "Scores", RunID: r.id, User: "ana", Start: start.Add(time.Duration(i) * time.Minute), Status: r.status,
			SystemTags: append([]string{"user:ana", "runtime:local"}, r.tags...)}
		if r.id == "1" {
			doc.Trigger = json.RawMessage(`{"type": "run", "name": "flowc.fraud.prod.Up.end", "pathspec": "Up/7", "payload": {"a": 1}}`)
		}
		if err := st.WriteRun(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
	}
	c := client.New(st).Namespace(client.Global)
	ids := func(c *client.Client) []string {
		runs, err := c.Flow("Scores").Runs()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range runs {
			out = append(out, r.ID())
		}
		return out
	}
	for _, tc := range []struct {
		project, branch string
		want            []string
	}{
		{"", "", []string{"4", "3", "2", "1"}},
		{"fraud", "", []string{"3", "2", "1"}},
		{"fraud", "prod", []string{"3", "1"}},
		{"fraud", "user.ana", []string{"2"}},
		{"churn", "", nil},
	} {
		if got := ids(c.Project(tc.project, tc.branch)); len(got) != len(tc.want) || len(got) > 0 && got[0] != tc.want[0] {
			t.Errorf("Project(%q, %q): %v, want %v", tc.project, tc.branch, got, tc.want)
		}
	}
	run, err := c.Project("fraud", "prod").Flow("Scores").LatestSuccessfulRun()
	if err != nil || run.ID() != "1" {
		t.Fatalf("prod's latest successful run: %v, %v", run, err)
	}
	if p, b := run.Project(); p != "fraud" || b != "prod" || !run.IsProduction() {
		t.Errorf("Project() = %q, %q, production %v", p, b, run.IsProduction())
	}
	if tr := run.Trigger(); tr == nil || tr.Type != "run" || tr.Pathspec != "Up/7" || string(tr.Payload) != `{"a":1}` {
		t.Errorf("Trigger() = %+v", tr)
	}
	plain, err := c.Flow("Scores").Run("4")
	if err != nil {
		t.Fatal(err)
	}
	if p, b := plain.Project(); p != "" || b != "" || plain.IsProduction() || plain.Trigger() != nil {
		t.Errorf("a run outside any project: %q %q %v %v", p, b, plain.IsProduction(), plain.Trigger())
	}
}
