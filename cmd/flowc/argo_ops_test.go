package main

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/dynamic/fake"
	corefake "k8s.io/client-go/kubernetes/typed/core/v1/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/flowc-dev/flowc/backends/argo/deploy"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// deployedHello is hello's template in ml, naming the datastore root.
func deployedHello(root string) *unstructured.Unstructured {
	u := managed("WorkflowTemplate", "hello", "ml", true)
	u.SetAnnotations(map[string]string{deploy.FlowNameAnnotation: "Hello", deploy.DatastoreRootAnnotation: root})
	return u
}

// helloRun writes a run of Hello to the datastore at root: its three
// tasks done (End failed when failed), and the run's record.
func helloRun(t *testing.T, root, run string, failed bool) {
	t.Helper()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	status := datastore.RunSucceeded
	for i, step := range []string{"Start", "Hello", "End"} {
		tp := datastore.TaskPath{Flow: "Hello", Run: run, Step: step, Task: "0"}
		a := datastore.Attempt{Attempt: 0, Status: datastore.AttemptOK, Start: time.Unix(int64(10+i), 0)}
		if failed && step == "End" {
			a.Status, a.Error, status = datastore.AttemptFailed, "boom at the end", datastore.RunFailed
		}
		if err := st.WriteAttempt(ctx, tp, a); err != nil {
			t.Fatal(err)
		}
		if err := st.WriteLog(ctx, tp, 0, datastore.Stdout, strings.NewReader(step+" says hi\n")); err != nil {
			t.Fatal(err)
		}
		if a.Status == datastore.AttemptOK {
			if err := st.MarkDone(ctx, tp, datastore.Done{Attempt: 0, Status: a.Status}); err != nil {
				t.Fatal(err)
			}
		}
	}
	r := datastore.Run{Flow: "Hello", RunID: run, Status: status, Start: time.Unix(10, 0), End: time.Unix(13, 0)}
	if err := st.WriteRun(ctx, r); err != nil {
		t.Fatal(err)
	}
}

// finishOnGet makes the fake cluster's Workflow run finish the second
// time it is read: the pods' records are written and its phase set.
func finishOnGet(t *testing.T, client *fake.FakeDynamicClient, root string, phase string) {
	n := 0
	client.PrependReactor("get", "workflows", func(a clienttesting.Action) (bool, runtime.Object, error) {
		if n++; n != 2 {
			return false, nil, nil
		}
		name := a.(clienttesting.GetAction).GetName()
		helloRun(t, root, name, phase != "Succeeded")
		wf, err := client.Tracker().Get(deploy.Workflows, "ml", name)
		if err != nil {
			t.Fatal(err)
		}
		u := wf.(*unstructured.Unstructured)
		u.Object["status"] = map[string]any{"phase": phase, "message": "child failed", "nodes": map[string]any{
			"x": map[string]any{"type": "Pod", "templateName": "end", "displayName": "end(0)", "phase": "Failed", "message": "Error (exit code 1)"},
		}}
		if phase == "Succeeded" {
			u.Object["status"] = map[string]any{"phase": phase}
		}
		if err := client.Tracker().Update(deploy.Workflows, u, "ml"); err != nil {
			t.Fatal(err)
		}
		return false, nil, nil
	})
}

// TestTriggerArgoWait: --wait follows the run from the datastore the
// template names, shows its tasks as flowc run does, and exits 0 only
// when it succeeded, naming the failed step otherwise.
func TestTriggerArgoWait(t *testing.T) {
	followEvery = time.Millisecond
	t.Cleanup(func() { followEvery = 2 * time.Second })
	for _, c := range []struct {
		phase  string
		code   int
		stdout []string
		stderr []string
	}{
		{"Succeeded", 0, []string{"run id: hello-aaaaa\n", "[Hello/hello-aaaaa/Start/0] finished", "Run Hello/hello-aaaaa succeeded in 3s (3 tasks).\n"}, nil},
		{"Failed", 1, []string{"[Hello/hello-aaaaa/End/0] failed"}, []string{"Run Hello/hello-aaaaa failed after 3s.", "step:  End", "error: boom at the end", "flowc logs Hello/hello-aaaaa/End/0 --stderr", "engine: workflow Failed: child failed; end(0): Error (exit code 1)"}},
	} {
		root := t.TempDir()
		client, _ := fakeCluster(t, deployedHello(root))
		finishOnGet(t, client, root, c.phase)
		code, out, errOut := flowc("trigger", "argo", example("hello"), "--namespace", "ml", "--wait")
		if code != c.code {
			t.Errorf("%s: exit %d, want %d; stderr %q", c.phase, code, c.code, errOut)
		}
		for _, w := range c.stdout {
			if !strings.Contains(out, w) {
				t.Errorf("%s: stdout %q does not hold %q", c.phase, out, w)
			}
		}
		for _, w := range c.stderr {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: stderr %q does not hold %q", c.phase, errOut, w)
			}
		}
	}
}

// TestArgoCommands: list, status, suspend, resume, terminate and delete
// on the fake cluster, through the CLI.
func TestArgoCommands(t *testing.T) {
	root := t.TempDir()
	wf := managed("Workflow", "hello-x", "ml", true)
	wf.Object["spec"] = map[string]any{"workflowTemplateRef": map[string]any{"name": "hello"}}
	wf.Object["status"] = map[string]any{"phase": "Running", "startedAt": "2026-01-01T00:00:00Z"}
	client, _ := fakeCluster(t, deployedHello(root), managed("Sensor", "hello", "ml", true), wf)
	for _, c := range []struct {
		args   []string
		code   int
		stdout string
	}{
		{[]string{"argo", "list", "--namespace", "ml"}, 0, "hello (flow Hello, triggered by events): 1 run\n  hello-x  Running"},
		{[]string{"argo", "status", "hello-x", "--namespace", "ml"}, 0, "Run hello-x (template hello): Running\n  started:  2026-01-01T00:00:00Z\n"},
		{[]string{"argo", "suspend", "hello-x", "--namespace", "ml"}, 0, "suspended workflow.argoproj.io/hello-x in namespace ml\n"},
		{[]string{"argo", "status", "hello-x", "--namespace", "ml"}, 0, "Run hello-x (template hello): Running (suspended)\n"},
		{[]string{"argo", "resume", "hello-x", "--namespace", "ml"}, 0, "resumed workflow.argoproj.io/hello-x in namespace ml\n"},
		{[]string{"argo", "stop", "hello-x", "--namespace", "ml"}, 0, "stopped workflow.argoproj.io/hello-x in namespace ml\n"},
		{[]string{"argo", "list", "--namespace", "ml"}, 0, "hello-x  Running (stop asked)"},
		{[]string{"argo", "terminate", "hello-x", "--namespace", "ml"}, 0, "terminated workflow.argoproj.io/hello-x in namespace ml\n"},
		{[]string{"argo", "list", "--namespace", "ml"}, 0, "hello-x  Running (terminate asked)"},
		{[]string{"argo", "delete", "Hello", "--namespace", "ml"}, 0, "deleted sensor.argoproj.io/hello in namespace ml\ndeleted workflowtemplate.argoproj.io/hello in namespace ml\n"},
		{[]string{"argo", "list", "--namespace", "ml"}, 0, "No flow deployed by flowc in namespace ml.\n"},
		{[]string{"argo", "status", "nope", "--namespace", "ml"}, 1, ""},
		{[]string{"argo", "status", "--namespace", "ml"}, 2, ""},
	} {
		code, out, errOut := flowc(c.args...)
		if code != c.code || !strings.Contains(out, c.stdout) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, out, errOut, c.code, c.stdout)
		}
	}
	if object(t, client, deploy.Workflows, "ml", "hello-x") == nil {
		t.Error("delete deleted a run")
	}
}

// TestArgoLogs: a finished run's logs come from the datastore its
// template names.
func TestArgoLogs(t *testing.T) {
	root := t.TempDir()
	wf := managed("Workflow", "hello-x", "ml", true)
	wf.Object["spec"] = map[string]any{"workflowTemplateRef": map[string]any{"name": "hello"}}
	wf.Object["status"] = map[string]any{"phase": "Succeeded"}
	fakeCluster(t, deployedHello(root), wf)
	helloRun(t, root, "hello-x", false)
	for _, c := range []struct {
		arg, want string
	}{
		{"hello-x/Hello/0", "Hello says hi\n"},
		{"hello-x/Start", "Start says hi\n"},
		{"hello-x", "==> Hello/hello-x/Start/0 attempt 0 stdout <==\nStart says hi\n==> Hello/hello-x/Hello/0 attempt 0 stdout <==\nHello says hi\n==> Hello/hello-x/End/0 attempt 0 stdout <==\nEnd says hi\n"},
	} {
		code, out, errOut := flowc("argo", "logs", c.arg, "--namespace", "ml")
		if code != 0 || out != c.want {
			t.Errorf("logs %s: exit %d, stdout %q, stderr %q; want %q", c.arg, code, out, errOut, c.want)
		}
	}
	if code, _, errOut := flowc("argo", "logs", "hello-x//0", "--namespace", "ml"); code != 2 {
		t.Errorf("a bad pathspec: exit %d, stderr %q", code, errOut)
	}
}

// TestArgoLogsRunning: while the run runs, a task whose pod runs is read
// from the pod, the others from the datastore.
func TestArgoLogsRunning(t *testing.T) {
	root := t.TempDir()
	wf := managed("Workflow", "hello-x", "ml", true)
	wf.Object["spec"] = map[string]any{"workflowTemplateRef": map[string]any{"name": "hello"}}
	wf.Object["status"] = map[string]any{"phase": "Running"}
	fakeCluster(t, deployedHello(root), wf)
	helloRun(t, root, "hello-x", false)
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	tracker := clienttesting.NewObjectTracker(scheme, serializer.NewCodecFactory(scheme).UniversalDecoder())
	for name, phase := range map[string]corev1.PodPhase{"hello-x-hello": corev1.PodRunning, "hello-x-start": corev1.PodSucceeded} {
		step := map[string]string{"hello-x-hello": "Hello", "hello-x-start": "Start"}[name]
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ml", Labels: map[string]string{"workflows.argoproj.io/workflow": "hello-x"},
				Annotations: map[string]string{"flowc.dev/step-name": step}},
			Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Args: []string{"step", step, "--task-id", "0", "--retry-count", "0"}}}},
			Status: corev1.PodStatus{Phase: phase},
		}
		if err := tracker.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	fk := &clienttesting.Fake{}
	fk.AddReactor("get", "pods", func(a clienttesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() == "log" {
			return true, &runtime.Unknown{Raw: []byte("Hello, live from the pod\n")}, nil
		}
		return false, nil, nil
	})
	fk.AddReactor("*", "*", clienttesting.ObjectReaction(tracker))
	withPods := connect
	connect = func(k kubeFlags, ns string) (*deploy.Cluster, error) {
		c, err := withPods(k, ns)
		if c != nil {
			c.Core = &corefake.FakeCoreV1{Fake: fk}
		}
		return c, err
	}
	t.Cleanup(func() { connect = withPods })
	code, out, errOut := flowc("argo", "logs", "hello-x", "--namespace", "ml")
	want := "==> Hello/hello-x/Hello/0 attempt 0 (pod hello-x-hello, running) <==\nHello, live from the pod\n" +
		"==> Hello/hello-x/Start/0 attempt 0 stdout <==\nStart says hi\n==> Hello/hello-x/End/0 attempt 0 stdout <==\nEnd says hi\n"
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
}

// TestArgoTerminateRecordsFailed: Argo runs no exit handler for a
// terminated run, so flowc argo terminate records the run failed in the
// datastore its template names, as step-functions terminate does; a run
// the datastore does not hold is left alone.
func TestArgoTerminateRecordsFailed(t *testing.T) {
	root := t.TempDir()
	running := func(name string) *unstructured.Unstructured {
		wf := managed("Workflow", name, "ml", true)
		wf.Object["spec"] = map[string]any{"workflowTemplateRef": map[string]any{"name": "hello"}}
		wf.Object["status"] = map[string]any{"phase": "Running"}
		return wf
	}
	fakeCluster(t, deployedHello(root), running("hello-x"), running("hello-y"))
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.WriteRun(ctx, datastore.Run{Flow: "Hello", RunID: "hello-x", Status: datastore.RunRunning, Start: time.Unix(10, 0)}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := flowc("argo", "terminate", "hello-x", "--namespace", "ml")
	want := "terminated workflow.argoproj.io/hello-x in namespace ml\nrun Hello/hello-x: recorded failed\n"
	if code != 0 || out != want {
		t.Errorf("terminate: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	r, err := st.ReadRun(ctx, "Hello", "hello-x")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != datastore.RunFailed || r.End.IsZero() {
		t.Errorf("run record after terminate: status %s, end %v; want failed with an end", r.Status, r.End)
	}
	// Not recorded yet (its start task never ran): terminated, nothing to record.
	code, out, errOut = flowc("argo", "terminate", "hello-y", "--namespace", "ml")
	if code != 0 || out != "terminated workflow.argoproj.io/hello-y in namespace ml\n" {
		t.Errorf("terminate of an unrecorded run: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// --datastore-root names another datastore than the template's.
	other := t.TempDir()
	fakeCluster(t, deployedHello(root), running("hello-z"))
	st2, err := datastore.OpenLocal(other)
	if err != nil {
		t.Fatal(err)
	}
	if err := st2.WriteRun(ctx, datastore.Run{Flow: "Hello", RunID: "hello-z", Status: datastore.RunRunning, Start: time.Unix(10, 0)}); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := flowc("argo", "terminate", "hello-z", "--namespace", "ml", "--datastore-root", other); code != 0 || !strings.Contains(out, "run Hello/hello-z: recorded failed") {
		t.Errorf("terminate --datastore-root: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestArgoListFlow: flowc argo list FLOW shows one flow, named by its
// objects' name or the flow's, as flowc runs FLOW does.
func TestArgoListFlow(t *testing.T) {
	other := managed("WorkflowTemplate", "other", "ml", true)
	other.SetAnnotations(map[string]string{deploy.FlowNameAnnotation: "Other"})
	fakeCluster(t, deployedHello(t.TempDir()), other)
	for _, c := range []struct {
		args      []string
		code      int
		want, not string
	}{
		{[]string{"argo", "list"}, 0, "hello (flow Hello): 0 runs\n\nother (flow Other): 0 runs\n", ""},
		{[]string{"argo", "list", "Hello"}, 0, "hello (flow Hello): 0 runs\n", "other"},
		{[]string{"argo", "list", "other"}, 0, "other (flow Other): 0 runs\n", "hello"},
		{[]string{"argo", "list", "Nope"}, 1, "", "hello"},
	} {
		code, out, errOut := flowc(append(c.args, "--namespace", "ml")...)
		if code != c.code || !strings.Contains(out, c.want) || c.not != "" && strings.Contains(out, c.not) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, %q and not %q", c.args, code, out, errOut, c.code, c.want, c.not)
		}
		if c.code == 1 && !strings.Contains(errOut, "flowc deployed no flow Nope in namespace ml") {
			t.Errorf("%v: stderr %q", c.args, errOut)
		}
	}
}

// TestArgoLogsDeleted: a run whose flow was deleted keeps its logs in the
// datastore, and argo logs says where to read them.
func TestArgoLogsDeleted(t *testing.T) {
	wf := managed("Workflow", "hello-x", "ml", true)
	wf.Object["spec"] = map[string]any{"workflowTemplateRef": map[string]any{"name": "hello"}}
	wf.Object["status"] = map[string]any{"phase": "Succeeded"}
	fakeCluster(t, wf)
	code, _, errOut := flowc("argo", "logs", "hello-x", "--namespace", "ml")
	if code != 1 || !strings.Contains(errOut, "workflowtemplate.argoproj.io/hello is not in namespace ml (deleted?): the run's logs stay in the datastore: flowc logs FLOW/hello-x") {
		t.Errorf("logs of a run of a deleted flow: exit %d, stderr %q", code, errOut)
	}
}
