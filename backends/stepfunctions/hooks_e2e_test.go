package stepfunctions_test

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestExitHooksExecute executes a flow with exit hooks in
// aws-local-stepfunctions, its Batch jobs run by the real runner, once
// succeeding and once failing: End's job runs the success hooks (a hook
// that panics leaving the run succeeded), and flowc.failed's end-run the
// error hook, which learns the failed task and why; each hook's output is
// the log of _exit_hook/NAME.
func TestExitHooksExecute(t *testing.T) {
	node := needNode(t)
	ctx := context.Background()
	f, pkgDir := loadDir(t, filepath.Join("..", "..", "runtime", "exec", "testdata", "hooked"))
	bundle := compileBundle(t, f, pkgDir, e2eOptions)
	r, err := build.Build(ctx, pkgDir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, fail := range []string{"false", "true"} {
		root, runID := t.TempDir(), "sfn-hooks-"+fail
		ex := execute(t, node, bundle, r.Path, root, runID, map[string]any{"fail": fail})
		want := map[string]string{"false": "SUCCEEDED", "true": "FAILED"}[fail]
		if ex.Status != want {
			t.Fatalf("fail=%s: execution %s (%s: %s), want %s; events %v", fail, ex.Status, ex.Error, ex.Cause, want, ex.Events)
		}
		st, err := datastore.OpenLocal(root)
		if err != nil {
			t.Fatal(err)
		}
		hook := func(name string) (datastore.Attempt, string) {
			t.Helper()
			p := datastore.TaskPath{Flow: f.Name, Run: runID, Step: datastore.ExitHookStep, Task: name}
			a, err := st.ReadAttempt(ctx, p, 0)
			if err != nil {
				t.Fatalf("fail=%s: hook %s: %v", fail, name, err)
			}
			var logs string
			for _, s := range []datastore.Stream{datastore.Stdout, datastore.Stderr} {
				rc, err := st.OpenLog(ctx, p, 0, s)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				logs += string(b)
			}
			return a, logs
		}
		tasks, _ := st.ListTasks(ctx, f.Name, runID, datastore.ExitHookStep)
		if fail == "false" {
			if a, logs := hook("Notify"); a.Status != datastore.AttemptOK || logs != "notify Hooked/"+runID+" succeeded\n" {
				t.Errorf("Notify: %s, %q", a.Status, logs)
			}
			if a, logs := hook("Boom"); a.Status != datastore.AttemptFailed || !strings.Contains(logs, "panic: boom") {
				t.Errorf("Boom: %s, %q", a.Status, logs)
			}
			if len(tasks) != 2 {
				t.Errorf("hooks run %v, want Boom and Notify", tasks)
			}
			continue
		}
		a, logs := hook("Page")
		if a.Status != datastore.AttemptOK || !strings.HasPrefix(logs, "page failed Hooked/"+runID+"/Start/0 ") || !strings.Contains(logs, "asked to fail") {
			t.Errorf("Page: %s, %q", a.Status, logs)
		}
		if len(tasks) != 1 {
			t.Errorf("hooks run %v, want Page", tasks)
		}
	}
}
