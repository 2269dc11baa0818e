package argoe2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

// TestArgoFailingFlow runs a flow whose step panics: the Workflow ends
// Failed, and flowc runs, reading the datastore the pods wrote, shows the
// run failed (the exit handler recorded it).
func TestArgoFailingFlow(t *testing.T) {
	c := need(t)
	dir := filepath.Join("..", "..", "runtime", "exec", "testdata", "panicky")
	if err := c.deploy(dir, "panicky"); err != nil {
		t.Fatal(err)
	}
	wf, err := c.trigger(dir)
	if err != nil {
		t.Fatal(err)
	}
	phase, msg, err := c.wait(wf, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if phase != "Failed" {
		t.Fatalf("workflow %s ended %s (%s), want Failed", wf, phase, msg)
	}
	var env []string
	for k, v := range c.s3.Env() {
		env = append(env, k+"="+v)
	}
	out, err := c.flowcCmd(env, "runs", "Panicky", "--all", "--datastore-root", c.root)
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "Panicky/"+wf) {
			line = l
		}
	}
	if !strings.Contains(line, "failed") {
		t.Errorf("flowc runs shows %q for Panicky/%s, want it failed; all:\n%s", line, wf, out)
	}
}

// TestArgoMaxWorkers runs a foreach of 200 (FLOWC_E2E_WIDTH to change it)
// deployed with --max-workers 8, watches the Workflow's pods, and wants
// never more than 8 of them unfinished at once, and the run to succeed.
func TestArgoMaxWorkers(t *testing.T) {
	c := need(t)
	width := "200"
	if w := os.Getenv("FLOWC_E2E_WIDTH"); w != "" {
		width = w
	}
	// The benchmark's foreach of N trivial tasks (scripts/benchflows/wide).
	dir := filepath.Join("..", "..", "scripts", "benchflows", "wide")
	if err := c.deploy(dir, "wide", "--max-workers", "8"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := c.client.Resource(gvrPod).Namespace(c.ns).Watch(ctx, metav1.ListOptions{LabelSelector: "workflows.argoproj.io/workflow"})
	if err != nil {
		t.Fatal(err)
	}
	peak := make(chan int, 1)
	go func() {
		live := map[string]bool{}
		most := 0
		for ev := range w.ResultChan() {
			u, ok := ev.Object.(*unstructured.Unstructured)
			if !ok {
				continue
			}
			phase, _, _ := unstructured.NestedString(u.Object, "status", "phase")
			if ev.Type == watch.Deleted || phase == "Succeeded" || phase == "Failed" {
				delete(live, u.GetName())
			} else {
				live[u.GetName()] = true
			}
			most = max(most, len(live))
		}
		peak <- most
	}()
	wf, err := c.trigger(dir, "--n", width)
	if err != nil {
		t.Fatal(err)
	}
	phase, msg, err := c.wait(wf, 45*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	w.Stop()
	most := <-peak
	t.Logf("workflow %s: %s; at most %d pods at once", wf, phase, most)
	if phase != "Succeeded" {
		t.Errorf("workflow %s ended %s: %s", wf, phase, msg)
	}
	if most > 8 {
		t.Errorf("%d pods at once with --max-workers 8", most)
	}
	if most == 0 {
		t.Errorf("saw no pod of %s: the watch saw nothing", wf)
	}
}
