package deploy

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic/fake"
	corefake "k8s.io/client-go/kubernetes/typed/core/v1/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/argo"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

// fakeCluster returns namespace ns of client-go's fake dynamic client
// holding objs. Like the API server, it names an object created with
// generateName.
func fakeCluster(t *testing.T, ns string, objs ...runtime.Object) (*Cluster, *fake.FakeDynamicClient) {
	t.Helper()
	lists := map[schema.GroupVersionResource]string{
		Templates: "WorkflowTemplateList", Crons: "CronWorkflowList",
		Sensors: "SensorList", Workflows: "WorkflowList",
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
	return &Cluster{Dynamic: client, Core: &corefake.FakeCoreV1{Fake: &clienttesting.Fake{}}, Namespace: ns}, client
}

// object returns an object of the fake cluster, or nil.
func object(t *testing.T, c *Cluster, gvr schema.GroupVersionResource, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := c.resource(gvr).Get(context.Background(), name, metav1.GetOptions{})
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
		u.SetLabels(map[string]string{ManagedBy: "flowc"})
	}
	return u
}

// load checks the flow package in dir (relative to the repository's root)
// and returns its one flow.
func load(t *testing.T, dir string) *ir.Flow {
	t.Helper()
	pkg, diags := check.Load(filepath.Join("..", "..", "..", dir), parser.Options{})
	if len(diags) > 0 {
		t.Fatalf("%s does not check clean:\n%v", dir, diags)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// compile compiles the flow in dir with image.
func compile(t *testing.T, dir, image string) *argo.Objects {
	t.Helper()
	o := argo.Options{Common: backends.Common{Image: image, DatastoreRoot: "s3://b/p"}}
	objs, diags, err := argo.CompileObjects(load(t, dir), o)
	if err != nil || len(diags) > 0 {
		t.Fatalf("compile %s: %v %v", dir, err, diags)
	}
	return objs
}

// lines prints changes one a line.
func lines(chs []Change) string {
	var b strings.Builder
	for _, c := range chs {
		b.WriteString(c.String() + "\n")
	}
	return b.String()
}
