package exec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// TestExitHooks runs a flow whose exit hooks print and panic: each runs
// once, its output is the log of _exit_hook/NAME, a panicking hook is a
// failed attempt there, and the run's result is the run's.
func TestExitHooks(t *testing.T) {
	f := mustPlan(t, "testdata/hooked")
	root := t.TempDir()
	ctx := context.Background()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	hook := func(runID, name string) (datastore.Attempt, string, string) {
		t.Helper()
		p := datastore.TaskPath{Flow: f.Name, Run: runID, Step: datastore.ExitHookStep, Task: name}
		a, err := st.ReadAttempt(ctx, p, 0)
		if err != nil {
			t.Fatalf("hook %s: %v", name, err)
		}
		logs := [2]string{}
		for i, s := range []datastore.Stream{datastore.Stdout, datastore.Stderr} {
			r, err := st.OpenLog(ctx, p, 0, s)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(r)
			r.Close()
			logs[i] = string(b)
		}
		return a, logs[0], logs[1]
	}

	var out bytes.Buffer
	res, err := exec.Run(ctx, exec.Options{Plan: f, PkgDir: "testdata/hooked", Root: root, Out: &out})
	if err != nil || res.Status != datastore.RunSucceeded {
		t.Fatalf("run: %v, %v\n%s", res, err, out.String())
	}
	a, stdout, _ := hook(res.RunID, "Notify")
	if a.Status != datastore.AttemptOK || stdout != "notify Hooked/"+res.RunID+" succeeded\n" {
		t.Errorf("Notify: %s, stdout %q", a.Status, stdout)
	}
	a, _, stderr := hook(res.RunID, "Boom")
	if a.Status != datastore.AttemptFailed || !strings.Contains(stderr, "panic: boom") {
		t.Errorf("Boom: %s (%s), stderr %q; want failed with the panic", a.Status, a.Error, stderr)
	}
	if tasks, _ := st.ListTasks(ctx, f.Name, res.RunID, datastore.ExitHookStep); len(tasks) != 2 {
		t.Errorf("hook tasks %v, want Boom and Notify (Page is for a failed run)", tasks)
	}

	out.Reset()
	res, err = exec.Run(ctx, exec.Options{Plan: f, PkgDir: "testdata/hooked", Root: root, Out: &out,
		Params: map[string]json.RawMessage{"Fail": json.RawMessage("true")}})
	if err != nil || res.Status != datastore.RunFailed {
		t.Fatalf("run: %v, %v\n%s", res, err, out.String())
	}
	a, _, stderr = hook(res.RunID, "Page")
	want := "page failed Hooked/" + res.RunID + "/Start/0 "
	if a.Status != datastore.AttemptOK || !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, "asked to fail") {
		t.Errorf("Page: %s, stderr %q; want it to start %q and say why", a.Status, stderr, want)
	}
}
