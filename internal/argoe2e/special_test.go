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
	"k8s.io/apimachinery/pkg/types"
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
	release := c.claim(t, nil)
	wf, err := c.trigger(dir)
	if err != nil {
		release()
		t.Fatal(err)
	}
	phase, msg, err := c.wait(wf, 10*time.Minute)
	release()
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
	release := c.claim(t, nil)
	wf, err := c.trigger(dir, "--n", width)
	if err != nil {
		release()
		t.Fatal(err)
	}
	phase, msg, err := c.wait(wf, 45*time.Minute)
	release()
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

// TestArgoCron deploys examples/production, whose //flow:schedule makes a
// CronWorkflow and whose //flow:trigger a Sensor, and wants the API server
// to accept both (Argo's full CRD and Argo Events' CRD) and Argo's cron controller to fire it: its schedule is set to
// every minute, the first Workflow it makes must succeed, and the cron is
// suspended after it so that it fires no more.
func TestArgoCron(t *testing.T) {
	c := need(t)
	whole := wholeTurn(t)
	dir := filepath.Join("..", "..", "examples", "production")
	if err := c.deploy(dir, "production"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Its //flow:trigger makes a Sensor, checked by the API server against
	// Argo Events' CRD (no Argo Events controller acts on it here).
	sensors, err := c.client.Resource(gvrSensor).Namespace(c.ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=flowc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sensors.Items) != 1 {
		t.Errorf("%d Sensors in %s after deploy, want 1", len(sensors.Items), c.ns)
	}
	crons, err := c.client.Resource(gvrCron).Namespace(c.ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=flowc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(crons.Items) != 1 {
		t.Fatalf("%d CronWorkflows in %s after deploy, want 1", len(crons.Items), c.ns)
	}
	name := crons.Items[0].GetName()
	rc := c.client.Resource(gvrCron).Namespace(c.ns)
	// The Workflow it fires has a Score step asking for 2 CPUs.
	release := c.claim(t, whole)
	defer release()
	if _, err := rc.Patch(ctx, name, types.MergePatchType, []byte(`{"spec":{"schedules":["* * * * *"]}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	var wf string
	for start := time.Now(); wf == ""; {
		wfs, err := c.client.Resource(gvrWorkflow).Namespace(c.ns).List(ctx, metav1.ListOptions{LabelSelector: "workflows.argoproj.io/cron-workflow=" + name})
		if err != nil {
			t.Fatal(err)
		}
		if len(wfs.Items) > 0 {
			wf = wfs.Items[0].GetName()
			break
		}
		if time.Since(start) > 4*time.Minute {
			t.Fatalf("cronworkflow %s/%s made no Workflow in 4 minutes on schedule * * * * *", c.ns, name)
		}
		time.Sleep(5 * time.Second)
	}
	if _, err := rc.Patch(ctx, name, types.MergePatchType, []byte(`{"spec":{"suspend":true}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	phase, msg, err := c.wait(wf, 15*time.Minute)
	release()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cronworkflow %s fired workflow %s: %s", name, wf, phase)
	if phase != "Succeeded" {
		t.Errorf("workflow %s of cronworkflow %s ended %s: %s", wf, name, phase, msg)
	}
}
