package ui_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/ui"
)

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// contains fails for each want that page lacks.
func contains(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// TestUI serves a datastore with a finished run of the production example
// and a run in progress, and checks the pages over HTTP, then in a real
// browser (browser_test.go).
func TestUI(t *testing.T) {
	fx := newFixture(t)
	defer fx.openGate(t)
	t.Run("http", func(t *testing.T) { testHTTP(t, fx) })
	t.Run("browser", func(t *testing.T) { testBrowser(t, fx) })
}

func testHTTP(t *testing.T, fx *fixture) {
	base := fx.srv.URL
	code, page, h := get(t, base+"/")
	if code != 200 {
		t.Fatalf("/: %d", code)
	}
	contains(t, "index", page, "/runs/FraudScoring/"+fx.prodRun, `<span class="status succeeded">`, "/runs/Gated/"+fx.gatedRun, `<span class="status running">`)
	if i, j := strings.Index(page, "Gated/"+fx.gatedRun), strings.Index(page, "FraudScoring/"+fx.prodRun); i > j {
		t.Error("runs are not newest first")
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("index CSP %q", csp)
	}
	_, page, _ = get(t, base+"/?flow=Gated")
	if strings.Contains(page, "FraudScoring/"+fx.prodRun) {
		t.Error("?flow=Gated lists FraudScoring's run")
	}

	code, page, _ = get(t, base+"/runs/FraudScoring/"+fx.prodRun)
	if code != 200 {
		t.Fatalf("run page: %d\n%s", code, page)
	}
	contains(t, "finished run page", page, `<svg class="dag"`, `class="node done" data-step="Report"`, `<svg class="gantt"`,
		`href="/tasks/FraudScoring/`+fx.prodRun+`/Report/0"`, `<th>Owner</th><td class="preview">&#34;ana&#34;</td>`)
	if strings.Contains(page, "data-poll") {
		t.Error("a finished run page polls")
	}

	_, page, _ = get(t, base+"/runs/Gated/"+fx.gatedRun)
	contains(t, "running run page", page, `data-poll="/runs/Gated/`+fx.gatedRun+`?partial=1"`, `class="node running" data-step="Work"`, `class="node done" data-step="Start"`,
		`class="node pending" data-step="Join"`, `id="run-status">running<`)
	_, page, _ = get(t, base+"/runs/Gated/"+fx.gatedRun+"?partial=1")
	if !strings.HasPrefix(strings.TrimSpace(page), `<div id="live"`) {
		t.Errorf("partial page starts %.80q", page)
	}

	code, page, _ = get(t, base+"/tasks/FraudScoring/"+fx.prodRun+"/Report/0")
	if code != 200 {
		t.Fatalf("task page: %d", code)
	}
	contains(t, "task page", page, "msg=flagged", "<td>Flagged</td>", "[]production.Flag", `id="card-frame"`,
		`src="/cards/FraudScoring/`+fx.prodRun+`/Report/0?attempt=0&amp;type=default"`)

	code, page, h = get(t, base+"/cards/FraudScoring/"+fx.prodRun+"/Report/0?attempt=0&type=default")
	if code != 200 {
		t.Fatalf("card: %d", code)
	}
	contains(t, "card", page, "Fraud review", `aria-label="flags by risk"`)
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("card CSP %q", csp)
	}

	_, page, _ = get(t, base+"/tasks/Gated/"+fx.gatedRun+"/Work/1")
	contains(t, "running task page", page, `id="task-status">running<`, "data-poll=", `/cards/Gated/`+fx.gatedRun+`/Work/1?attempt=0&amp;type=default`)

	for url, want := range map[string]int{
		"/runs/FraudScoring/42": 404,
		"/runs/Nope/1":          404,
		"/tasks/FraudScoring/" + fx.prodRun + "/Report/9":                     404,
		"/tasks/FraudScoring/" + fx.prodRun + "/Nope/0":                       404,
		"/cards/FraudScoring/" + fx.prodRun + "/End/0?attempt=0&type=default": 404,
		"/cards/FraudScoring/" + fx.prodRun + "/Report/0?attempt=x":           400,
		"/nowhere": 404,
		"/tasks/FraudScoring/" + fx.prodRun + "/Report/0?attempt=-1": 400,
		"/tasks/FraudScoring/" + fx.prodRun + "/Report/0?attempt=x":  400,
	} {
		if code, page, _ := get(t, base+url); code != want {
			t.Errorf("%s: %d, want %d\n%.300s", url, code, want, page)
		}
	}
	// Names the datastore refuses, or that name nothing: not found or a
	// bad request, never a server error.
	for _, url := range []string{"/runs/data/1", "/runs/Bad%20Name/1", "/runs/FraudScoring/..", "/runs/FraudScoring/%2e%2e%2fx",
		"/tasks/FraudScoring/" + fx.prodRun + "/Report/%2e%2e", "/cards/FraudScoring/" + fx.prodRun + "/Report/0?attempt=0&type=default&id=../x",
		"/cards/FraudScoring/" + fx.prodRun + "/Report/0?attempt=0&type=x%2Fy"} {
		if code, page, _ := get(t, base+url); code != 400 && code != 404 {
			t.Errorf("%s: %d, want 400 or 404\n%.300s", url, code, page)
		}
	}
}

// TestRunPagePaginates: a run of 1,000 tasks lists 200 a page, filters by
// step, and draws a row per step in its timeline.
func TestRunPagePaginates(t *testing.T) {
	root := t.TempDir()
	id := synthRun(t, root, 1000)
	srv := newServer(t, root)
	_, page, _ := get(t, srv.URL+"/runs/Wide/"+id)
	if n := strings.Count(page, `<tr><td><a href="/tasks/Wide/`); n != 200 {
		t.Errorf("page 1 lists %d tasks, want 200", n)
	}
	contains(t, "run page", page, "page 1 of 6", `id="task-count">1003<`, `Work (1000)</text>`)
	if n := strings.Count(page, `class="bar ok"/>`); n != 1003 {
		t.Errorf("the timeline has %d task ticks, want 1003 (one per task of steps of at most 2,000)", n)
	}
	_, page, _ = get(t, srv.URL+"/runs/Wide/"+id+"?step=Work&page=5")
	contains(t, "page 5 of Work", page, "page 5 of 5", `/tasks/Wide/`+id+`/Work/999"`)
	if strings.Contains(page, "/Join/0\"") {
		t.Error("?step=Work lists Join")
	}
}

func newServer(t testing.TB, root string) *httptest.Server {
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ui.New(c)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

// BenchmarkRunPage10k loads the run page of a 10,000-task run from a
// server that has read it before (finished tasks are kept in memory).
//
//	go test ./ui -run '^$' -bench RunPage10k -benchtime 20x
func BenchmarkRunPage10k(b *testing.B) {
	root := b.TempDir()
	id := synthRun(b, root, 10000)
	url := newServer(b, root).URL + "/runs/Wide/" + id
	load(b, url) // the first load reads every task
	for b.Loop() {
		load(b, url)
	}
}

// BenchmarkRunPage10kCold loads the run page of a 10,000-task run from a
// new server each time: every task's done marker and attempt are read.
func BenchmarkRunPage10kCold(b *testing.B) {
	root := b.TempDir()
	id := synthRun(b, root, 10000)
	c, err := client.Open(root)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := ui.New(c)
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(s)
		load(b, srv.URL+"/runs/Wide/"+id)
		srv.Close()
	}
}

// load gets url and reads the whole page.
func load(b *testing.B, url string) int64 {
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("%s: %s %v", url, resp.Status, err)
	}
	return n
}
