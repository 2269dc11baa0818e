package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
)

// fakeCluster installs client-go's fake dynamic client, holding objs, as
// the cluster of deploy and trigger, and returns it with the namespace the
// commands asked for. Like the API server, it names an object created
// with generateName.
func fakeCluster(t *testing.T, objs ...runtime.Object) (*fake.FakeDynamicClient, *string) {
	t.Helper()
	lists := map[schema.GroupVersionResource]string{
		gvrTemplate: "WorkflowTemplateList", gvrCron: "CronWorkflowList",
		gvrSensor: "SensorList", gvrWorkflow: "WorkflowList",
	}
	client := fake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists, objs...)
	n := 0
	client.PrependReactor("create", "*", func(a clienttesting.Action) (bool, runtime.Object, error) {
		u := a.(clienttesting.CreateAction).GetObject().(*unstructured.Unstructured)
		if u.GetName() == "" && u.GetGenerateName() != "" {
			n++
			u.SetName(u.GetGenerateName() + strings.Repeat(string(rune('a'+n-1)), 5))
		}
		return false, nil, nil
	})
	asked := new(string)
	old := newKubeClient
	newKubeClient = func(k kubeFlags, namespace string) (dynamic.Interface, string, error) {
		*asked = namespace
		if namespace == "" {
			namespace = "from-kubeconfig"
		}
		return client, namespace, nil
	}
	t.Cleanup(func() { newKubeClient = old })
	return client, asked
}

// flowc runs the CLI and returns its exit code, stdout and stderr.
func flowc(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func example(name string) string { return filepath.Join("..", "..", "examples", name) }

// object returns an object of the fake cluster, or nil.
func object(t *testing.T, c dynamic.Interface, gvr schema.GroupVersionResource, ns, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := c.Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		return nil
	}
	return u
}

// managed is an object of kind named name in ns, labelled as flowc's when
// byFlowc.
func managed(kind, name, ns string, byFlowc bool) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("argoproj.io/v1alpha1")
	u.SetKind(kind)
	u.SetName(name)
	u.SetNamespace(ns)
	if byFlowc {
		u.SetLabels(map[string]string{"app.kubernetes.io/managed-by": "flowc"})
	}
	return u
}

// TestDeployArgo: a first deploy creates the template and the CronWorkflow,
// a second updates them in place.
func TestDeployArgo(t *testing.T) {
	client, asked := fakeCluster(t)
	args := []string{"deploy", "argo", example("config"), "--image", "img:1", "--datastore-root", "s3://b/p", "--namespace", "ml"}
	code, out, errOut := flowc(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "created workflowtemplate.argoproj.io/churn in namespace ml\ncreated cronworkflow.argoproj.io/churn in namespace ml\n"
	if out != want || *asked != "ml" {
		t.Errorf("stdout %q (namespace %q), want %q", out, *asked, want)
	}
	wt := object(t, client, gvrTemplate, "ml", "churn")
	if wt == nil {
		t.Fatal("no workflowtemplate churn in ml")
	}
	if ep, _, _ := unstructured.NestedString(wt.Object, "spec", "entrypoint"); ep != "flow--main" {
		t.Errorf("entrypoint %q", ep)
	}
	cron := object(t, client, gvrCron, "ml", "churn")
	if s, _, _ := unstructured.NestedStringSlice(cron.Object, "spec", "schedules"); len(s) != 1 || s[0] != "0 3 * * *" {
		t.Errorf("schedules %v", s)
	}
	code, out, errOut = flowc(append(args, "--image", "img:2")...)
	if code != 0 || !strings.Contains(out, "updated workflowtemplate.argoproj.io/churn in namespace ml") ||
		!strings.Contains(out, "updated cronworkflow.argoproj.io/churn") {
		t.Fatalf("second deploy: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	wt = object(t, client, gvrTemplate, "ml", "churn")
	tmpls, _, _ := unstructured.NestedSlice(wt.Object, "spec", "templates")
	if img, _, _ := unstructured.NestedString(tmpls[1].(map[string]any), "container", "image"); img != "img:2" {
		t.Errorf("after the update the image is %q", img)
	}
}

// TestDeployArgoStale: the CronWorkflow and Sensor flowc made for an
// earlier version are deleted; objects flowc did not make are not touched.
func TestDeployArgoStale(t *testing.T) {
	client, _ := fakeCluster(t, managed("CronWorkflow", "hello", "from-kubeconfig", true), managed("Sensor", "hello", "from-kubeconfig", false))
	code, out, errOut := flowc("deploy", "argo", example("hello"), "--image", "i", "--datastore-root", "s3://b")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "created workflowtemplate.argoproj.io/hello in namespace from-kubeconfig\n" +
		"deleted cronworkflow.argoproj.io/hello in namespace from-kubeconfig: the flow no longer asks for it\n"
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if object(t, client, gvrCron, "from-kubeconfig", "hello") != nil {
		t.Error("the stale CronWorkflow is still there")
	}
	if object(t, client, gvrSensor, "from-kubeconfig", "hello") == nil {
		t.Error("deploy deleted a Sensor flowc did not make")
	}
}

// TestDeployArgoForeign: a template of the same name that flowc did not
// make is an error, and stays as it was.
func TestDeployArgoForeign(t *testing.T) {
	client, _ := fakeCluster(t, managed("WorkflowTemplate", "hello", "ml", false))
	code, _, errOut := flowc("deploy", "argo", example("hello"), "--image", "i", "--datastore-root", "s3://b", "--namespace", "ml")
	if code != 1 || !strings.Contains(errOut, "flowc did not make it") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if wt := object(t, client, gvrTemplate, "ml", "hello"); wt == nil || wt.Object["spec"] != nil {
		t.Error("the foreign template was changed")
	}
}

// TestDeployArgoRefused: usage errors and diagnostics exit before any
// cluster call.
func TestDeployArgoRefused(t *testing.T) {
	client, _ := fakeCluster(t)
	owned := scheduledWithRequired(t)
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"deploy", "argo", example("hello"), "--datastore-root", "s3://b"}, 2, "--image"},
		{[]string{"deploy", "argo", owned, "--image", "i", "--datastore-root", "s3://b"}, 1, "flow.go:5:1: FLOW080"},
	} {
		code, _, errOut := flowc(c.args...)
		if code != c.code || !strings.Contains(errOut, c.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, c.code, c.stderr)
		}
	}
	if n := len(client.Actions()); n != 0 {
		t.Errorf("%d cluster calls, want none: %v", n, client.Actions())
	}
}

// scheduledWithRequired writes a scheduled flow with a required parameter
// that has no default, and returns its directory.
func scheduledWithRequired(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := `package owned

import "github.com/flowc-dev/flowc/flow"

//flow:schedule
type Owned struct {
	Owner string ` + "`" + `flow:"param,required" help:"who answers"` + "`" + `
}

func (f *Owned) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Owned) End(c *flow.Context) {}
`
	if err := os.WriteFile(filepath.Join(dir, "flow.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestTriggerArgo submits a Workflow from the template with the parameters
// given, as text the runner parses.
func TestTriggerArgo(t *testing.T) {
	client, _ := fakeCluster(t, managed("WorkflowTemplate", "training", "ml", true))
	code, out, errOut := flowc("trigger", "argo", example("training"), "--namespace", "ml", "--epochs", "5", "--learning-rates", "[0.5, 1]")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "submitted workflow.argoproj.io/training-aaaaa in namespace ml from workflowtemplate.argoproj.io/training\nrun id: training-aaaaa\n"
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	wf := object(t, client, gvrWorkflow, "ml", "training-aaaaa")
	if wf == nil {
		t.Fatal("no workflow")
	}
	ref, _, _ := unstructured.NestedString(wf.Object, "spec", "workflowTemplateRef", "name")
	params, _, _ := unstructured.NestedSlice(wf.Object, "spec", "arguments", "parameters")
	wantParams := []any{map[string]any{"name": "epochs", "value": "5"}, map[string]any{"name": "learning-rates", "value": "[0.5, 1]"}}
	if ref != "training" || !equalJSON(params, wantParams) {
		t.Errorf("workflow runs %q with %v", ref, params)
	}
}

// TestTriggerArgoRefused: a bad parameter is a usage error, a flow not
// deployed an error, and neither submits anything.
func TestTriggerArgoRefused(t *testing.T) {
	client, _ := fakeCluster(t, managed("WorkflowTemplate", "training", "ml", true))
	owned := scheduledWithRequired(t)
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"trigger", "argo", example("training"), "--namespace", "ml", "--epochs", "many"}, 2, "--epochs"},
		{[]string{"trigger", "argo", example("training"), "--namespace", "ml", "--epoch", "5"}, 2, "did you mean"},
		{[]string{"trigger", "argo", example("hello"), "--namespace", "ml"}, 1, "deploy the flow first"},
		{[]string{"trigger", "argo", owned, "--namespace", "ml"}, 2, "--owner is required"},
	} {
		code, _, errOut := flowc(c.args...)
		if code != c.code || !strings.Contains(errOut, c.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, c.code, c.stderr)
		}
	}
	for _, a := range client.Actions() {
		if a.GetVerb() == "create" {
			t.Errorf("a refused trigger created %v", a)
		}
	}
}

// TestKubeconfig: the real client factory picks the namespace as kubectl
// does, from --kubeconfig or KUBECONFIG, the context, and --namespace.
func TestKubeconfig(t *testing.T) {
	dir := t.TempDir()
	cfg := `apiVersion: v1
kind: Config
current-context: a
contexts:
- name: a
  context: {cluster: c, user: u, namespace: team-a}
- name: b
  context: {cluster: c, user: u, namespace: team-b}
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {token: not-a-secret}
`
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", path)
	for _, c := range []struct {
		k    kubeFlags
		ns   string
		want string
	}{
		{kubeFlags{}, "", "team-a"},
		{kubeFlags{context: "b"}, "", "team-b"},
		{kubeFlags{context: "b"}, "ml", "ml"},
		{kubeFlags{kubeconfig: path, context: "a"}, "", "team-a"},
	} {
		_, ns, err := newKubeClient(c.k, c.ns)
		if err != nil || ns != c.want {
			t.Errorf("%+v, --namespace %q: namespace %q, %v; want %q", c.k, c.ns, ns, err, c.want)
		}
	}
	if _, _, err := newKubeClient(kubeFlags{context: "nope"}, ""); err == nil {
		t.Error("an unknown context is not an error")
	}
}

// equalJSON compares decoded JSON values.
func equalJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// TestDeployArgoSensor: a triggered flow's Sensor is created, and the
// Workflow it creates goes to the kubeconfig's namespace.
func TestDeployArgoSensor(t *testing.T) {
	client, _ := fakeCluster(t)
	code, out, errOut := flowc("deploy", "argo", filepath.Join("..", "..", "backends", "argo", "testdata", "full"), "--image", "i", "--datastore-root", "s3://b")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "created sensor.argoproj.io/fraud-staging-deployed-flow in namespace from-kubeconfig") {
		t.Errorf("stdout %q", out)
	}
	s := object(t, client, gvrSensor, "from-kubeconfig", "fraud-staging-deployed-flow")
	if s == nil {
		t.Fatal("no sensor")
	}
	triggers, _, _ := unstructured.NestedSlice(s.Object, "spec", "triggers")
	ns, _, _ := unstructured.NestedString(triggers[0].(map[string]any), "template", "k8s", "source", "resource", "metadata", "namespace")
	if ns != "from-kubeconfig" {
		t.Errorf("the sensor creates workflows in namespace %q", ns)
	}
}

// TestKubeClientNoConfig: without any kubeconfig the error says so plainly,
// not client-go's advice to set KUBERNETES_MASTER.
func TestKubeClientNoConfig(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	t.Setenv("HOME", t.TempDir())
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBERNETES_MASTER", "")
	_, _, err := newKubeClient(kubeFlags{}, "")
	if err == nil || !strings.HasPrefix(err.Error(), "no kubeconfig:") || strings.Contains(err.Error(), "KUBERNETES_MASTER") {
		t.Errorf("without a kubeconfig: %v", err)
	}
}
