package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestCachedTaskPage: the page of a task the step cache copied says where
// its result comes from, and the run's timeline marks it cached.
func TestCachedTaskPage(t *testing.T) {
	root := t.TempDir()
	id := synthRun(t, root, 2)
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	p := datastore.TaskPath{Flow: "Wide", Run: id, Step: "Work", Task: "1"}
	a, err := st.ReadAttempt(context.Background(), p, 0)
	if err != nil {
		t.Fatal(err)
	}
	a.Cached, a.Origin = true, "Wide/1600000000000000/Work/1"
	a.End = a.Start
	if err := st.WriteAttempt(context.Background(), p, a); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, root)
	_, page, _ := get(t, srv.URL+"/tasks/Wide/"+id+"/Work/1")
	contains(t, "task page", page, "<th>cached from</th><td>Wide/1600000000000000/Work/1</td>")
	_, page, _ = get(t, srv.URL+"/tasks/Wide/"+id+"/Work/0")
	if strings.Contains(page, "cached from") {
		t.Error("the page of a task that ran says cached from")
	}
	_, page, _ = get(t, srv.URL+"/runs/Wide/"+id)
	contains(t, "run page", page, "Work/1 (cached)")
}
