package deploy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/flowc-dev/flowc/backends/argo"
)

// TestApply: a first apply creates the template and the CronWorkflow, a
// second updates them in place.
func TestApply(t *testing.T) {
	c, _ := fakeCluster(t, "ml")
	chs, err := Apply(context.Background(), c, compile(t, "examples/config", "img:1"))
	if err != nil {
		t.Fatal(err)
	}
	want := "created workflowtemplate.argoproj.io/churn in namespace ml\ncreated cronworkflow.argoproj.io/churn in namespace ml\n"
	if got := lines(chs); got != want {
		t.Errorf("changes %q, want %q", got, want)
	}
	wt := object(t, c, Templates, "churn")
	if wt == nil {
		t.Fatal("no workflowtemplate churn in ml")
	}
	if ep, _, _ := unstructured.NestedString(wt.Object, "spec", "entrypoint"); ep != "flow--main" {
		t.Errorf("entrypoint %q", ep)
	}
	cron := object(t, c, Crons, "churn")
	if s, _, _ := unstructured.NestedStringSlice(cron.Object, "spec", "schedules"); len(s) != 1 || s[0] != "0 3 * * *" {
		t.Errorf("schedules %v", s)
	}
	chs, err = Apply(context.Background(), c, compile(t, "examples/config", "img:2"))
	want = "updated workflowtemplate.argoproj.io/churn in namespace ml\nupdated cronworkflow.argoproj.io/churn in namespace ml\n"
	if got := lines(chs); err != nil || got != want {
		t.Fatalf("second apply: %q, %v; want %q", got, err, want)
	}
	wt = object(t, c, Templates, "churn")
	tmpls, _, _ := unstructured.NestedSlice(wt.Object, "spec", "templates")
	if img, _, _ := unstructured.NestedString(tmpls[1].(map[string]any), "container", "image"); img != "img:2" {
		t.Errorf("after the update the image is %q", img)
	}
}

// TestApplyStale: the CronWorkflow and Sensor flowc made for an earlier
// version are deleted; objects flowc did not make are not touched.
func TestApplyStale(t *testing.T) {
	c, _ := fakeCluster(t, "team", managed("CronWorkflow", "hello", "team", true), managed("Sensor", "hello", "team", false))
	chs, err := Apply(context.Background(), c, compile(t, "examples/hello", "i"))
	if err != nil {
		t.Fatal(err)
	}
	want := "created workflowtemplate.argoproj.io/hello in namespace team\n" +
		"deleted cronworkflow.argoproj.io/hello in namespace team: the flow no longer asks for it\n"
	if got := lines(chs); got != want {
		t.Errorf("changes %q, want %q", got, want)
	}
	if object(t, c, Crons, "hello") != nil {
		t.Error("the stale CronWorkflow is still there")
	}
	if object(t, c, Sensors, "hello") == nil {
		t.Error("apply deleted a Sensor flowc did not make")
	}
}

// TestApplyForeign: a template of the same name that flowc did not make
// is an error, and stays as it was.
func TestApplyForeign(t *testing.T) {
	c, _ := fakeCluster(t, "ml", managed("WorkflowTemplate", "hello", "ml", false))
	chs, err := Apply(context.Background(), c, compile(t, "examples/hello", "i"))
	if err == nil || !strings.Contains(err.Error(), "flowc did not make it") || len(chs) != 0 {
		t.Errorf("changes %v, error %v", chs, err)
	}
	if wt := object(t, c, Templates, "hello"); wt == nil || wt.Object["spec"] != nil {
		t.Error("the foreign template was changed")
	}
}

// TestApplySensor: a triggered flow's Sensor is created, and the Workflow
// it creates goes to the cluster's namespace.
func TestApplySensor(t *testing.T) {
	c, _ := fakeCluster(t, "team")
	chs, err := Apply(context.Background(), c, compile(t, "backends/argo/testdata/full", "i"))
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(chs); !strings.Contains(got, "created sensor.argoproj.io/fraud-staging-deployed-flow in namespace team") {
		t.Errorf("changes %q", got)
	}
	s := object(t, c, Sensors, "fraud-staging-deployed-flow")
	if s == nil {
		t.Fatal("no sensor")
	}
	triggers, _, _ := unstructured.NestedSlice(s.Object, "spec", "triggers")
	ns, _, _ := unstructured.NestedString(triggers[0].(map[string]any), "template", "k8s", "source", "resource", "metadata", "namespace")
	if ns != "team" {
		t.Errorf("the sensor creates workflows in namespace %q", ns)
	}
}

// TestSubmit creates a Workflow from the template, and refuses when the
// template is not deployed.
func TestSubmit(t *testing.T) {
	c, client := fakeCluster(t, "ml", managed("WorkflowTemplate", "training", "ml", true))
	f := load(t, "examples/training")
	wf, err := argo.NewRun(f, map[string]string{"epochs": "5"})
	if err != nil {
		t.Fatal(err)
	}
	name, err := Submit(context.Background(), c, wf)
	if err != nil || name != "training-aaaaa" {
		t.Fatalf("submit: %q, %v", name, err)
	}
	got := object(t, c, Workflows, name)
	if ref, _, _ := unstructured.NestedString(got.Object, "spec", "workflowTemplateRef", "name"); ref != "training" {
		t.Errorf("the workflow runs %q", ref)
	}
	hello, _ := argo.NewRun(load(t, "examples/hello"), nil)
	client.ClearActions()
	if _, err := Submit(context.Background(), c, hello); err == nil || !strings.Contains(err.Error(), "deploy the flow first") {
		t.Errorf("a flow not deployed: %v", err)
	}
	for _, a := range client.Actions() {
		if a.GetVerb() == "create" {
			t.Errorf("a refused submit created %v", a)
		}
	}
}

// TestConnect: the cluster and namespace are chosen as kubectl does, from
// the kubeconfig file, the context, and the namespace given.
func TestConnect(t *testing.T) {
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
	for _, k := range []struct {
		k    Kubeconfig
		want string
	}{
		{Kubeconfig{}, "team-a"},
		{Kubeconfig{Context: "b"}, "team-b"},
		{Kubeconfig{Context: "b", Namespace: "ml"}, "ml"},
		{Kubeconfig{Path: path, Context: "a"}, "team-a"},
	} {
		c, err := Connect(k.k)
		if err != nil || c.Namespace != k.want {
			t.Errorf("%+v: %v, %v; want namespace %q", k.k, c, err, k.want)
		}
	}
	if _, err := Connect(Kubeconfig{Context: "nope"}); err == nil {
		t.Error("an unknown context is not an error")
	}
}

// TestConnectNoConfig: without any kubeconfig the error says so plainly,
// not client-go's advice to set KUBERNETES_MASTER.
func TestConnectNoConfig(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	t.Setenv("HOME", t.TempDir())
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBERNETES_MASTER", "")
	_, err := Connect(Kubeconfig{})
	if err == nil || !strings.HasPrefix(err.Error(), "no kubeconfig:") || strings.Contains(err.Error(), "KUBERNETES_MASTER") {
		t.Errorf("without a kubeconfig: %v", err)
	}
}

// TestApplySensorNamespace: with --sensor-namespace the Sensor goes there,
// the Workflow it creates to the template's namespace, and a Sensor flowc
// made there before is deleted there when the flow drops its triggers.
func TestApplySensorNamespace(t *testing.T) {
	c, _ := fakeCluster(t, "team", managed("Sensor", "hello", "argo-events", true))
	objs := compile(t, "backends/argo/testdata/full", "i")
	objs.SensorNamespace = "argo-events"
	chs, err := Apply(context.Background(), c, objs)
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(chs); !strings.Contains(got, "created sensor.argoproj.io/fraud-staging-deployed-flow in namespace argo-events\n") {
		t.Errorf("changes %q", got)
	}
	in := &Cluster{Dynamic: c.Dynamic, Namespace: "argo-events"}
	s := object(t, in, Sensors, "fraud-staging-deployed-flow")
	if s == nil {
		t.Fatal("no sensor in argo-events")
	}
	triggers, _, _ := unstructured.NestedSlice(s.Object, "spec", "triggers")
	if ns, _, _ := unstructured.NestedString(triggers[0].(map[string]any), "template", "k8s", "source", "resource", "metadata", "namespace"); ns != "team" {
		t.Errorf("the sensor creates workflows in namespace %q", ns)
	}
	hello := compile(t, "examples/hello", "i")
	hello.SensorNamespace = "argo-events"
	chs, err = Apply(context.Background(), c, hello)
	if got := lines(chs); err != nil || !strings.Contains(got, "deleted sensor.argoproj.io/hello in namespace argo-events: the flow no longer asks for it") {
		t.Errorf("changes %q, %v", got, err)
	}
}
