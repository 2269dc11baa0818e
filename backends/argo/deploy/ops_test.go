package deploy

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	corefake "k8s.io/client-go/kubernetes/typed/core/v1/fake"
	clienttesting "k8s.io/client-go/testing"
)

// workflow is a run of template tmpl in phase (Argo's), with nodes.
func workflow(name, tmpl, phase string, created int64, nodes map[string]any) *unstructured.Unstructured {
	u := managed("Workflow", name, "ml", true)
	u.SetCreationTimestamp(metav1.Unix(created, 0))
	u.Object["spec"] = map[string]any{"workflowTemplateRef": map[string]any{"name": tmpl}}
	status := map[string]any{"startedAt": time.Unix(created, 0).UTC().Format(time.RFC3339)}
	if phase != "" {
		status["phase"] = phase
	}
	if phase == "Succeeded" || phase == "Failed" {
		status["finishedAt"] = time.Unix(created+90, 0).UTC().Format(time.RFC3339)
	}
	if nodes != nil {
		status["nodes"] = nodes
	}
	u.Object["status"] = status
	return u
}

// template is a deployed template of flow with a step template per step.
func template(name, flow string, steps ...string) *unstructured.Unstructured {
	u := managed("WorkflowTemplate", name, "ml", true)
	u.SetAnnotations(map[string]string{FlowNameAnnotation: flow, DatastoreRootAnnotation: "s3://b/p"})
	var tmpls []any
	for _, s := range steps {
		tmpls = append(tmpls, map[string]any{"name": strings.ToLower(s), "metadata": map[string]any{"annotations": map[string]any{stepNameAnnotation: s}}})
	}
	u.Object["spec"] = map[string]any{"templates": tmpls}
	return u
}

func node(typ, tmpl, phase, start, msg string) map[string]any {
	return map[string]any{"type": typ, "templateName": tmpl, "phase": phase, "startedAt": start, "displayName": tmpl + "(0)", "message": msg}
}

// TestList lists flowc's templates with their schedules, sensors and runs,
// newest first, and leaves out what flowc did not make.
func TestList(t *testing.T) {
	cron := managed("CronWorkflow", "churn", "ml", true)
	cron.Object["spec"] = map[string]any{"schedules": []any{"0 3 * * *"}}
	c, _ := fakeCluster(t, "ml",
		template("churn", "Churn"), template("hello", "Hello"), managed("WorkflowTemplate", "theirs", "ml", false),
		cron, managed("Sensor", "hello", "ml", true),
		workflow("churn-a", "churn", "Succeeded", 100, nil), workflow("churn-b", "churn", "Running", 200, nil),
		workflow("hello-a", "hello", "", 300, nil), workflow("other", "theirs", "Running", 50, nil))
	flows, err := List(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(flows) != 2 {
		t.Fatalf("flows %+v, want churn and hello", flows)
	}
	churn, hello := flows[0], flows[1]
	if churn.Name != "churn" || churn.Flow != "Churn" || churn.DatastoreRoot != "s3://b/p" || len(churn.Schedules) != 1 || churn.Sensor {
		t.Errorf("churn: %+v", churn)
	}
	if len(churn.Runs) != 2 || churn.Runs[0].Name != "churn-b" || churn.Runs[0].Phase != "Running" || churn.Runs[1].Phase != "Succeeded" {
		t.Errorf("churn's runs: %+v", churn.Runs)
	}
	if !hello.Sensor || len(hello.Runs) != 1 || hello.Runs[0].Phase != "Pending" {
		t.Errorf("hello: %+v", hello)
	}
}

// TestListWithoutArgoEvents: on a cluster with Argo Workflows but not
// Argo Events, the API server answers a list of sensors 404 (no such
// resource, as the e2e cluster does); list shows the flows, none started
// by a Sensor, instead of failing.
func TestListWithoutArgoEvents(t *testing.T) {
	c, client := fakeCluster(t, "ml", template("hello", "Hello"), workflow("hello-a", "hello", "Succeeded", 100, nil))
	client.PrependReactor("list", "sensors", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewNotFound(schema.GroupResource{}, "")
	})
	flows, err := List(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(flows) != 1 || flows[0].Name != "hello" || flows[0].Sensor || len(flows[0].Runs) != 1 {
		t.Errorf("flows %+v, want hello with its run", flows)
	}
}

// TestStatus counts a run's pods by step, names the flow's steps from its
// template, and keeps the failed pods' messages.
func TestStatus(t *testing.T) {
	nodes := map[string]any{
		"n0": node("DAG", "flow--main", "Failed", "2026-01-01T00:00:00Z", ""),
		"n1": node("Pod", "start", "Succeeded", "2026-01-01T00:00:01Z", ""),
		"n2": node("Pod", "joinmodels", "Failed", "2026-01-01T00:00:05Z", "Error (exit code 1)"),
		"n3": node("Pod", "joinmodels", "Running", "2026-01-01T00:00:06Z", ""),
		"n4": node("Pod", "flow--exit", "Succeeded", "2026-01-01T00:00:09Z", ""),
	}
	c, _ := fakeCluster(t, "ml", template("training", "Training", "Start", "JoinModels"), workflow("training-a", "training", "Failed", 100, nodes))
	r, err := Status(context.Background(), c, "training-a")
	if err != nil {
		t.Fatal(err)
	}
	if r.Phase != "Failed" || !r.Over() || r.Finished.Sub(r.Started) != 90*time.Second {
		t.Errorf("run %+v", r)
	}
	var got []string
	for _, s := range r.Steps {
		got = append(got, s.Step+":"+strings.Join(s.Failed, ","))
	}
	if want := "Start: JoinModels:joinmodels(0): Error (exit code 1) flow--exit:"; strings.Join(got, " ") != want {
		t.Errorf("steps %q, want %q", strings.Join(got, " "), want)
	}
	if r.Steps[1].Phases["Running"] != 1 || r.Steps[1].Phases["Failed"] != 1 {
		t.Errorf("JoinModels: %+v", r.Steps[1])
	}
	if _, err := Status(context.Background(), c, "nope"); err == nil || !strings.Contains(err.Error(), "no run nope") {
		t.Errorf("an unknown run: %v", err)
	}
}

// TestTerminateSuspendResume: terminate and suspend patch the Workflow as
// argo's commands do, resume clears spec.suspend and ends running suspend
// nodes, and none of them touches a run that is over.
func TestTerminateSuspendResume(t *testing.T) {
	nodes := map[string]any{
		"s": node("Suspend", "wait", "Running", "2026-01-01T00:00:01Z", ""),
		"p": node("Pod", "start", "Running", "2026-01-01T00:00:01Z", ""),
	}
	c, _ := fakeCluster(t, "ml", workflow("a", "t", "Running", 1, nodes), workflow("done", "t", "Succeeded", 1, nil))
	ctx := context.Background()
	get := func() *unstructured.Unstructured { return object(t, c, Workflows, "a") }
	if err := Suspend(ctx, c, "a"); err != nil {
		t.Fatal(err)
	}
	if s, _, _ := unstructured.NestedBool(get().Object, "spec", "suspend"); !s {
		t.Error("suspend did not set spec.suspend")
	}
	if err := Resume(ctx, c, "a"); err != nil {
		t.Fatal(err)
	}
	wf := get()
	if _, found, _ := unstructured.NestedFieldNoCopy(wf.Object, "spec", "suspend"); found {
		t.Error("resume left spec.suspend")
	}
	if p, _, _ := unstructured.NestedString(wf.Object, "status", "nodes", "s", "phase"); p != "Succeeded" {
		t.Errorf("the suspend node is %s after resume", p)
	}
	if p, _, _ := unstructured.NestedString(wf.Object, "status", "nodes", "p", "phase"); p != "Running" {
		t.Errorf("resume changed a pod node to %s", p)
	}
	if err := Terminate(ctx, c, "a"); err != nil {
		t.Fatal(err)
	}
	if s, _, _ := unstructured.NestedString(get().Object, "spec", "shutdown"); s != "Terminate" {
		t.Errorf("spec.shutdown %q after terminate", s)
	}
	if err := Stop(ctx, c, "a"); err != nil {
		t.Fatal(err)
	}
	if s, _, _ := unstructured.NestedString(get().Object, "spec", "shutdown"); s != "Stop" {
		t.Errorf("spec.shutdown %q after stop", s)
	}
	for name, op := range map[string]func(context.Context, *Cluster, string) error{"terminate": Terminate, "stop": Stop, "suspend": Suspend, "resume": Resume} {
		if err := op(ctx, c, "done"); err == nil || !strings.Contains(err.Error(), "it is over") {
			t.Errorf("%s of a finished run: %v", name, err)
		}
	}
}

// TestDelete deletes flowc's objects of a flow, named by the objects' name
// or the flow's, and nothing else.
func TestDelete(t *testing.T) {
	c, _ := fakeCluster(t, "ml", template("churn", "Churn"), managed("CronWorkflow", "churn", "ml", true), managed("Sensor", "churn", "ml", false),
		managed("WorkflowTemplate", "theirs", "ml", false))
	chs, err := Delete(context.Background(), c, "Churn", "")
	want := "deleted cronworkflow.argoproj.io/churn in namespace ml\ndeleted workflowtemplate.argoproj.io/churn in namespace ml\n"
	if got := lines(chs); err != nil || got != want {
		t.Errorf("delete Churn: %q, %v; want %q", got, err, want)
	}
	if object(t, c, Sensors, "churn") == nil {
		t.Error("delete deleted a Sensor flowc did not make")
	}
	if _, err := Delete(context.Background(), c, "theirs", ""); err == nil || !strings.Contains(err.Error(), "flowc deployed nothing named theirs") {
		t.Errorf("delete theirs: %v", err)
	}
	if object(t, c, Templates, "theirs") == nil {
		t.Error("delete deleted a template flowc did not make")
	}
	c, _ = fakeCluster(t, "ml", template("hello", "Hello"), managed("Sensor", "hello", "events", true))
	chs, err = Delete(context.Background(), c, "hello", "events")
	want = "deleted sensor.argoproj.io/hello in namespace events\ndeleted workflowtemplate.argoproj.io/hello in namespace ml\n"
	if got := lines(chs); err != nil || got != want {
		t.Errorf("delete hello with its sensor in events: %q, %v; want %q", got, err, want)
	}
}

// TestPodsAndLogs finds a run's step pods by Argo's workflow label and
// flowc's step annotation, and reads a pod's log through the typed client.
func TestPodsAndLogs(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	tracker := clienttesting.NewObjectTracker(scheme, serializer.NewCodecFactory(scheme).UniversalDecoder())
	pod := func(name, run, step, task string, retry int, phase corev1.PodPhase) {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ml", Labels: map[string]string{workflowLabel: run}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "wait"},
				{Name: "main", Args: []string{"step", step, "--run-id", run, "--task-id", task, "--retry-count", string(rune('0' + retry))}}}},
			Status: corev1.PodStatus{Phase: phase},
		}
		if step != "" {
			p.Annotations = map[string]string{stepNameAnnotation: step}
		}
		if err := tracker.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	pod("r-train-2", "r", "Train", "1", 1, corev1.PodRunning)
	pod("r-train-1", "r", "Train", "1", 0, corev1.PodFailed)
	pod("r-start", "r", "Start", "0", 0, corev1.PodSucceeded)
	pod("r-exit", "r", "", "", 0, corev1.PodRunning)
	pod("s-start", "s", "Start", "0", 0, corev1.PodRunning)
	fake := &clienttesting.Fake{}
	fake.AddReactor("get", "pods", func(a clienttesting.Action) (bool, runtime.Object, error) {
		if ga, ok := a.(clienttesting.GenericAction); ok && a.GetSubresource() == "log" {
			opts := ga.GetValue().(*corev1.PodLogOptions)
			return true, &runtime.Unknown{Raw: []byte("log of " + a.GetNamespace() + "/" + opts.Container + "\n")}, nil
		}
		return false, nil, nil
	})
	fake.AddReactor("*", "*", clienttesting.ObjectReaction(tracker))
	c := &Cluster{Core: &corefake.FakeCoreV1{Fake: fake}, Namespace: "ml"}
	pods, err := Pods(context.Background(), c, "r")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pods {
		got = append(got, p.Name+" "+p.Step+"/"+p.Task+" "+string(rune('0'+p.Attempt))+" "+p.Phase)
	}
	want := "r-start Start/0 0 Succeeded|r-train-1 Train/1 0 Failed|r-train-2 Train/1 1 Running"
	if strings.Join(got, "|") != want {
		t.Errorf("pods\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	var b bytes.Buffer
	if err := Logs(context.Background(), c, "r-train-2", &b); err != nil || b.String() != "log of ml/main\n" {
		t.Errorf("logs %q, %v", b.String(), err)
	}
}

// TestLogsWithoutArgoLines: Argo's emissary, which runs the task in the
// main container, writes its own log lines there, marked argo=true (text
// or JSON format, as the e2e cluster's pods show: time=... level=INFO
// msg="waiting for signals" argo=true ...); the task's log is what the
// task wrote, as the datastore keeps it.
func TestLogsWithoutArgoLines(t *testing.T) {
	log := "time=2026-12-07T00:07:36.402Z level=INFO msg=\"waiting for signals\" argo=true signalPath=/var/run/argo/ctr/main/signal\n" +
		"sleepy: run r sleeps 60 s\n" +
		"{\"time\":\"2026-12-07T00:07:37Z\",\"level\":\"INFO\",\"msg\":\"forwarding signal\",\"argo\":true}\n" +
		"a line of the task that says argo=true\n" +
		"no newline at the end"
	fake := &clienttesting.Fake{}
	fake.AddReactor("get", "pods", func(a clienttesting.Action) (bool, runtime.Object, error) {
		return true, &runtime.Unknown{Raw: []byte(log)}, nil
	})
	c := &Cluster{Core: &corefake.FakeCoreV1{Fake: fake}, Namespace: "ml"}
	var b bytes.Buffer
	want := "sleepy: run r sleeps 60 s\na line of the task that says argo=true\nno newline at the end"
	if err := Logs(context.Background(), c, "r-start", &b); err != nil || b.String() != want {
		t.Errorf("logs %q, %v; want %q", b.String(), err, want)
	}
}
