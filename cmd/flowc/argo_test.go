package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	corefake "k8s.io/client-go/kubernetes/typed/core/v1/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/flowc-dev/flowc/backends/argo/deploy"
)

// fakeCluster installs client-go's fake dynamic client, holding objs, as
// the cluster of the argo commands, and returns it with the namespace the
// commands asked for. Like the API server, it names an object created
// with generateName.
func fakeCluster(t *testing.T, objs ...runtime.Object) (*fake.FakeDynamicClient, *string) {
	t.Helper()
	lists := map[schema.GroupVersionResource]string{
		deploy.Templates: "WorkflowTemplateList", deploy.Crons: "CronWorkflowList",
		deploy.Sensors: "SensorList", deploy.Workflows: "WorkflowList",
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
	old := connect
	connect = func(k kubeFlags, namespace string) (*deploy.Cluster, error) {
		*asked = namespace
		if namespace == "" {
			namespace = "from-kubeconfig"
		}
		return &deploy.Cluster{Dynamic: client, Core: &corefake.FakeCoreV1{Fake: &clienttesting.Fake{}}, Namespace: namespace}, nil
	}
	t.Cleanup(func() { connect = old })
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

// TestDeployArgo: deploy prints what it did in the namespace given; the
// deploy package's tests cover the updates, stale and foreign objects.
func TestDeployArgo(t *testing.T) {
	client, asked := fakeCluster(t)
	code, out, errOut := flowc("deploy", "argo", example("config"), "--image", "img:1", "--datastore-root", "s3://b/p", "--namespace", "ml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "created workflowtemplate.argoproj.io/churn in namespace ml\ncreated cronworkflow.argoproj.io/churn in namespace ml\n"
	if out != want || *asked != "ml" {
		t.Errorf("stdout %q (namespace %q), want %q", out, *asked, want)
	}
	if object(t, client, deploy.Templates, "ml", "churn") == nil {
		t.Fatal("no workflowtemplate churn in ml")
	}
	client.PrependReactor("get", "workflowtemplates", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, errors.New("the API server is down")
	})
	code, out, errOut = flowc("deploy", "argo", example("config"), "--image", "img:1", "--datastore-root", "s3://b/p", "--namespace", "ml")
	if code != 1 || out != "" || !strings.Contains(errOut, "get workflowtemplate.argoproj.io/churn in namespace ml: the API server is down") {
		t.Errorf("with the cluster down: exit %d, stdout %q, stderr %q", code, out, errOut)
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
	wf := object(t, client, deploy.Workflows, "ml", "training-aaaaa")
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

// equalJSON compares decoded JSON values.
func equalJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// TestDeployArgoBranches: each branch of a project deploys its own
// template, and the production deployment of one user is replaced by
// another only with its production token (flag or environment).
func TestDeployArgoBranches(t *testing.T) {
	client, _ := fakeCluster(t)
	deployAs := func(user string, args ...string) (int, string, string) {
		t.Setenv("FLOWC_USER", user)
		return flowc(append([]string{"deploy", "argo", example("production"), "--image", "img:1", "--datastore-root", "s3://b/p", "--namespace", "ml"}, args...)...)
	}
	for _, tc := range []struct {
		user, name string
		args       []string
	}{
		{"ana", "fraud-user-ana-fraudscoring", nil},
		{"bob", "fraud-user-bob-fraudscoring", nil},
		{"bob", "fraud-test-exp1-fraudscoring", []string{"--branch", "exp1"}},
	} {
		if code, out, errOut := deployAs(tc.user, tc.args...); code != 0 || !strings.Contains(out, "created workflowtemplate.argoproj.io/"+tc.name+" ") {
			t.Fatalf("%s %v: exit %d\n%s%s", tc.user, tc.args, code, out, errOut)
		}
		if a := object(t, client, deploy.Templates, "ml", tc.name).GetAnnotations(); a[deploy.TokenAnnotation] != "" {
			t.Errorf("%s: a branch that is not production has a token: %v", tc.name, a)
		}
	}
	code, out, errOut := deployAs("ana", "--production")
	if code != 0 || !strings.Contains(out, "created workflowtemplate.argoproj.io/fraud-prod-fraudscoring ") {
		t.Fatalf("ana --production: exit %d\n%s%s", code, out, errOut)
	}
	tok := object(t, client, deploy.Templates, "ml", "fraud-prod-fraudscoring").GetAnnotations()[deploy.TokenAnnotation]
	if len(tok) != 32 || !strings.Contains(out, "production token of fraud.prod.FraudScoring: "+tok+"\n") {
		t.Fatalf("the token %q is not annotated or not printed:\n%s", tok, out)
	}
	if code, out, _ := deployAs("ana", "--production"); code != 0 || strings.Contains(out, "production token") {
		t.Errorf("ana again: exit %d\n%s", code, out)
	}
	code, out, errOut = deployAs("bob", "--production")
	if code != 1 || strings.Contains(out, "updated") || !strings.Contains(errOut, "is ana's production deployment: replacing it needs its production token") {
		t.Errorf("bob without the token: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := deployAs("bob", "--production", "--production-token", "guess"); code != 1 || !strings.Contains(errOut, "not its token") {
		t.Errorf("bob with a wrong token: exit %d\n%s", code, errOut)
	}
	t.Setenv("FLOWC_PRODUCTION_TOKEN", tok)
	if code, out, errOut := deployAs("bob", "--production"); code != 0 || !strings.Contains(out, "updated workflowtemplate.argoproj.io/fraud-prod-fraudscoring ") {
		t.Errorf("bob with FLOWC_PRODUCTION_TOKEN: exit %d\n%s%s", code, out, errOut)
	}
	if a := object(t, client, deploy.Templates, "ml", "fraud-prod-fraudscoring").GetAnnotations(); a[deploy.TokenAnnotation] != tok || a[deploy.OwnerAnnotation] != "ana" {
		t.Errorf("after bob's deploy: %v", a)
	}
}
