package ui_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/task"
)

// The tests in this file serve datastores that someone other than flowc
// wrote to: a task, or any writer of a shared bucket.

// forged is markup a forged status or step kind carries.
const forged = `"><script>location="https://attacker.example/"</script><img src=x onerror=alert(1)>`

// TestForgedStatus: a task status and a step kind forged in the datastore
// are neither inserted as markup nor used as a CSS class.
func TestForgedStatus(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	id := synthRun(t, root, 3)
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	p := datastore.TaskPath{Flow: "Wide", Run: id, Step: "Work", Task: "1"}
	a, err := st.ReadAttempt(ctx, p, 0)
	if err != nil {
		t.Fatal(err)
	}
	a.Status = datastore.AttemptStatus(forged)
	if err := st.WriteAttempt(ctx, p, a); err != nil {
		t.Fatal(err)
	}
	plan := &ir.Flow{Name: "Wide", Graph: ir.Graph{Start: "Start", End: "End", Order: []string{"Start", "Work", "Join", "End"}}, Steps: []*ir.Step{
		{Name: "Start", Kind: ir.Kind(forged), Next: []string{"Work"}, ForeachVar: "Items", MatchingJoin: "Join"},
		{Name: "Work", Kind: ir.KindLinear, Next: []string{"Join"}, Prev: []string{"Start"}},
		{Name: "Join", Kind: ir.KindJoin, Next: []string{"End"}, Prev: []string{"Work"}, Inputs: true},
		{Name: "End", Kind: ir.KindEnd, Prev: []string{"Join"}},
	}}
	if err := task.WritePlan(ctx, st, id, plan); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, root)
	for _, u := range []string{"/runs/Wide/" + id, "/runs/Wide/" + id + "?partial=1", "/tasks/Wide/" + id + "/Work/1"} {
		_, page, _ := get(t, srv.URL+u)
		for _, bad := range []string{"<script>location", "<img src=x", `status "`} {
			if strings.Contains(page, bad) {
				i := strings.Index(page, bad)
				t.Errorf("%s holds %q: %s", u, bad, page[max(0, i-200):min(len(page), i+100)])
			}
		}
	}
	_, page, _ := get(t, srv.URL+"/runs/Wide/"+id)
	contains(t, "run page", page, `class="status unknown"`)
}

// TestStaleRun: a run recorded as running whose executor is gone (its
// heartbeat is old) shows as stale on the home page and its run page.
func TestStaleRun(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	id := synthRun(t, root, 2)
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.ReadRun(ctx, "Wide", id)
	if err != nil {
		t.Fatal(err)
	}
	r.Status, r.End = datastore.RunRunning, time.Time{}
	if err := st.WriteRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := st.WriteHeartbeat(ctx, "Wide", id); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	setHeartbeat(t, root, "Wide", id, old)
	srv := newServer(t, root)
	want := "stale (executor gone since " + old.Local().Format(time.DateTime) + ")"
	_, page, _ := get(t, srv.URL+"/")
	contains(t, "home page", page, `class="status stale"`, want)
	_, page, _ = get(t, srv.URL+"/runs/Wide/"+id)
	contains(t, "run page", page, want)
}

// setHeartbeat rewrites a run's heartbeat time.
func setHeartbeat(t *testing.T, root, flow, id string, at time.Time) {
	t.Helper()
	path := root + "/" + flow + "/" + id + "/_heartbeat.json"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var hb map[string]any
	if err := json.Unmarshal(data, &hb); err != nil {
		t.Fatal(err)
	}
	hb["time"] = at.UTC().Format(time.RFC3339Nano)
	data, _ = json.Marshal(hb)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBadRunDocument: an empty run document (a machine crash) does not
// break the home page; the other runs are listed.
func TestBadRunDocument(t *testing.T) {
	root := t.TempDir()
	id := synthRun(t, root, 2)
	if err := os.MkdirAll(root+"/Wide/9", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(root+"/Wide/9/_run.json", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, root)
	code, page, _ := get(t, srv.URL+"/")
	if code != 200 {
		t.Fatalf("home page: %d\n%s", code, page)
	}
	contains(t, "home page", page, "/runs/Wide/"+id)
}

// TestErrorPageHidesRoot: an error page does not show where the datastore
// is (a home directory, a user name): keys relative to it say enough.
func TestErrorPageHidesRoot(t *testing.T) {
	root := t.TempDir()
	id := synthRun(t, root, 2)
	done := root + "/Wide/" + id + "/Work/0/DONE.json"
	if err := os.Remove(done); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("DONE.json", done); err != nil { // a loop: open fails, naming the file
		t.Fatal(err)
	}
	srv := newServer(t, root)
	code, page, _ := get(t, srv.URL+"/tasks/Wide/"+id+"/Work/0")
	if code < 400 {
		t.Fatalf("task page of a broken task: %d", code)
	}
	contains(t, "error page", page, "Wide/"+id+"/Work/0/DONE.json")
	if strings.Contains(page, root) {
		t.Errorf("the error page shows the datastore's path %s:\n%s", root, page)
	}
}

// TestHostCheck: a request whose Host header names another site (a DNS
// rebinding attack: the attacker's name resolved to 127.0.0.1) is refused;
// the server's address and localhost are served.
func TestHostCheck(t *testing.T) {
	root := t.TempDir()
	synthRun(t, root, 2)
	srv := newServer(t, root)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	for host, want := range map[string]int{
		"attacker.example:" + port: http.StatusMisdirectedRequest,
		"attacker.example":         http.StatusMisdirectedRequest,
		"127.0.0.1:" + port:        200,
		"localhost:" + port:        200,
		"[::1]:" + port:            200,
	} {
		req, err := http.NewRequest("GET", srv.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}
