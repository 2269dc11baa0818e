package exec_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

func runExample(t *testing.T, name string) (*exec.Result, *datastore.Store, string) {
	t.Helper()
	dir := filepath.Join("../../examples", name)
	f := mustPlan(t, dir)
	root := t.TempDir()
	var out bytes.Buffer
	res, err := exec.Run(context.Background(), exec.Options{Plan: f, PkgDir: dir, Root: root, Out: &out})
	if err != nil {
		t.Fatalf("run %s: %v\n%s", name, err, out.String())
	}
	t.Logf("output:\n%s", out.String())
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	return res, st, f.Name
}

func artifact(t *testing.T, st *datastore.Store, p datastore.TaskPath, name string, v any) {
	t.Helper()
	ctx := context.Background()
	d, err := st.ReadDone(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	arts, err := st.ReadArtifacts(ctx, p, d.Attempt)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := arts[name]
	if !ok {
		t.Fatalf("%s has no artifact %s: %v", p, name, arts)
	}
	if err := st.GetArtifact(ctx, a, v); err != nil {
		t.Fatal(err)
	}
}

func TestHello(t *testing.T) {
	res, st, flow := runExample(t, "hello")
	if res.Status != datastore.RunSucceeded {
		t.Fatalf("run %s: %v (failed %s)", res.Status, res.Err, res.Failed)
	}
	var g string
	artifact(t, st, datastore.TaskPath{Flow: flow, Run: res.RunID, Step: "End", Task: "0"}, "Greeting", &g)
	if g == "" {
		t.Error("no greeting")
	}
	t.Log(g)
}

func TestAllExamplesSucceed(t *testing.T) {
	for _, name := range []string{"branch", "conditional", "config", "foreach", "loop", "nestedforeach", "retrycatch", "training"} {
		t.Run(name, func(t *testing.T) {
			res, _, _ := runExample(t, name)
			if res.Status != datastore.RunSucceeded {
				t.Fatalf("run %s: %v (failed %s)", res.Status, res.Err, res.Failed)
			}
		})
	}
}
