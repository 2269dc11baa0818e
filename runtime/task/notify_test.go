//go:build !flowc_local

package task

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// hook is a local webhook that records the bodies posted to it and answers
// with status.
type hook struct {
	mu     sync.Mutex
	bodies []Notification
	status int
}

func newHook(t *testing.T, status int) (*hook, string) {
	h := &hook{status: status}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		var n Notification
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(data, &n) != nil {
			t.Errorf("a %s with %s: %q", r.Method, r.Header.Get("Content-Type"), data)
		}
		h.mu.Lock()
		h.bodies = append(h.bodies, n)
		h.mu.Unlock()
		w.WriteHeader(h.status)
	}))
	t.Cleanup(srv.Close)
	return h, srv.URL
}

func (h *hook) texts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, b := range h.bodies {
		out = append(out, b.Text)
	}
	return out
}

// runEndRun runs end-run with status and the extra arguments on a fresh run.
func runEndRun(t *testing.T, status string, extra ...string) int {
	t.Helper()
	root := t.TempDir()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WriteRun(context.Background(), datastore.Run{Flow: "Hello", RunID: "hello-x", Status: datastore.RunRunning, Start: time.Now()}); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"end-run", "--run-id", "hello-x", "--status", status, "--datastore-root", root}, extra...)
	return Run(context.Background(), Flow[struct{}]{Name: "Hello"}, args)
}

// TestNotify: end-run posts the run's end to the webhook of its outcome
// only, as {"text": ...}, from a URL or a variable; a webhook that keeps
// failing is tried notifyTries times and does not fail end-run.
func TestNotify(t *testing.T) {
	notifyBackoff = time.Millisecond
	t.Cleanup(func() { notifyBackoff = 2 * time.Second })
	onErr, errURL := newHook(t, http.StatusOK)
	onOK, okURL := newHook(t, http.StatusOK)
	if code := runEndRun(t, "Failed", "--notify-on-error", errURL, "--notify-on-success", okURL); code != ExitOK {
		t.Fatalf("end-run Failed: exit %d", code)
	}
	want := "flowc: run Hello/hello-x failed (Failed). See it with: flowc dump Hello/hello-x"
	if got := onErr.texts(); len(got) != 1 || got[0] != want {
		t.Errorf("on error: %q, want %q", got, want)
	}
	t.Setenv("HOOK_URL", okURL)
	if code := runEndRun(t, "Succeeded", "--notify-on-error", errURL, "--notify-on-success", "env:HOOK_URL"); code != ExitOK {
		t.Fatalf("end-run Succeeded: exit %d", code)
	}
	if got := onOK.texts(); len(got) != 1 || got[0] != "flowc: run Hello/hello-x succeeded." {
		t.Errorf("on success: %q", got)
	}
	if n := len(onErr.texts()); n != 1 {
		t.Errorf("a succeeded run posted to the error webhook (%d posts)", n)
	}
	down, downURL := newHook(t, http.StatusInternalServerError)
	if code := runEndRun(t, "Error", "--notify-on-error", downURL); code != ExitOK {
		t.Errorf("a failing webhook failed end-run: exit %d", code)
	}
	if n := len(down.texts()); n != notifyTries {
		t.Errorf("a failing webhook was tried %d times, want %d", n, notifyTries)
	}
	if code := runEndRun(t, "Failed", "--notify-on-error", "env:NOT_SET_ANYWHERE"); code != ExitOK {
		t.Errorf("an unset variable failed end-run: exit %d", code)
	}
}

// TestRedact: a webhook URL is printed without its path, its token.
func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://hooks.slack.com/services/T0/B0/secret": "https://hooks.slack.com/...",
		"env:HOOK": "env:HOOK",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNotifyFailedTask: a failed run's notification names the task that
// failed it and its error, found in the datastore, with Slack's markup
// characters escaped.
func TestNotifyFailedTask(t *testing.T) {
	onErr, errURL := newHook(t, http.StatusOK)
	root := t.TempDir()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	plan := &ir.Flow{Name: "Hello", Steps: []*ir.Step{{Name: "Start", Kind: ir.KindStart, Next: []string{"End"}}, {Name: "End", Kind: ir.KindEnd}},
		Graph: ir.Graph{Start: "Start", End: "End", Order: []string{"Start", "End"}}}
	enc, err := ir.Encode(plan)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WriteRun(ctx, datastore.Run{Flow: "Hello", RunID: "hello-x", Status: datastore.RunRunning, Start: time.Now()}); err != nil {
		t.Fatal(err)
	}
	tp := datastore.TaskPath{Flow: "Hello", Run: "hello-x", Step: "Start", Task: "0"}
	if err := st.WriteAttempt(ctx, tp, datastore.Attempt{Status: datastore.AttemptFailed, Error: "boom <!channel> & more"}); err != nil {
		t.Fatal(err)
	}
	args := []string{"end-run", "--run-id", "hello-x", "--status", "Failed", "--datastore-root", root, "--notify-on-error", errURL}
	if code := Run(ctx, Flow[struct{}]{Name: "Hello", Plan: string(enc)}, args); code != ExitOK {
		t.Fatalf("end-run: exit %d", code)
	}
	want := "flowc: run Hello/hello-x failed (Failed): task Hello/hello-x/Start/0: boom &lt;!channel&gt; &amp; more. Its log: flowc logs Hello/hello-x/Start/0 --stderr"
	if got := onErr.texts(); len(got) != 1 || got[0] != want {
		t.Errorf("on error: %q, want %q", got, want)
	}
}

// TestEndRunOnce: an engine may run its exit handler again after the first
// one did its work (Argo retries a pod whose wait container errored after
// the main container finished): the second end-run finds the run's end
// handled and posts nothing, so a webhook hears of a run once.
func TestEndRunOnce(t *testing.T) {
	onOK, okURL := newHook(t, http.StatusOK)
	root := t.TempDir()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.WriteRun(ctx, datastore.Run{Flow: "Hello", RunID: "hello-x", Status: datastore.RunRunning, Start: time.Now()}); err != nil {
		t.Fatal(err)
	}
	args := []string{"end-run", "--run-id", "hello-x", "--status", "Succeeded", "--datastore-root", root, "--notify-on-success", okURL}
	for i := range 2 {
		if code := Run(ctx, Flow[struct{}]{Name: "Hello"}, args); code != ExitOK {
			t.Fatalf("end-run %d: exit %d", i, code)
		}
	}
	if got := onOK.texts(); len(got) != 1 {
		t.Errorf("two end-runs of one run posted %d notifications, want 1: %q", len(got), got)
	}
	rec, err := st.ReadRun(ctx, "Hello", "hello-x")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != datastore.RunSucceeded || rec.EndHandled.IsZero() {
		t.Errorf("the run after end-run: status %s, end handled at %v; want succeeded and a time", rec.Status, rec.EndHandled)
	}
}
