package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestCachedTask: a task the step cache copied says so, names the task
// whose result it is, and shows that task's log.
func TestCachedTask(t *testing.T) {
	root := demoRoot(t)
	ctx := context.Background()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	w := &demoWriter{ctx: ctx, st: st}
	w.check(st.WriteRun(ctx, datastore.Run{Flow: "Demo", RunID: "400", User: "ana", SystemTags: []string{"user:ana"},
		Start: demoStart.Add(3 * time.Hour), End: demoStart.Add(3 * time.Hour), Status: datastore.RunSucceeded}))
	w.clone("100", "400", "Start", "0")
	a, err := st.ReadAttempt(ctx, w.path("400", "Start", "0"), 0)
	w.check(err)
	a.Cached = true
	w.check(st.WriteAttempt(ctx, w.path("400", "Start", "0"), a))
	if w.err != nil {
		t.Fatal(w.err)
	}
	c := open(t, root).Namespace("")
	run, err := c.Flow("Demo").Run("400")
	if err != nil {
		t.Fatal(err)
	}
	tk, err := run.Step("Start").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	if !tk.Cached() || tk.Origin() != "Demo/100/Start/0" {
		t.Errorf("Cached %v, Origin %q; want true, Demo/100/Start/0", tk.Cached(), tk.Origin())
	}
	if out, err := tk.Stdout(); err != nil || out != "hello\n" {
		t.Errorf("Stdout %q, %v; want the origin's", out, err)
	}
	// A task that ran is not cached.
	ran, err := c.Flow("Demo").Run("100")
	if err != nil {
		t.Fatal(err)
	}
	if orig, err := ran.Step("Start").Task("0"); err != nil || orig.Cached() || orig.Origin() != "" {
		t.Errorf("a task that ran: Cached %v, Origin %q", orig.Cached(), orig.Origin())
	}
}
