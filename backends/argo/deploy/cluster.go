package deploy

import (
	"fmt"

	"github.com/flowc-dev/flowc/internal/kubeconfig"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	corev1 "k8s.io/client-go/kubernetes/typed/core/v1"
)

// The resources flowc makes on a cluster with Argo Workflows and Argo
// Events.
var (
	Templates = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "workflowtemplates"}
	Crons     = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "cronworkflows"}
	Sensors   = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "sensors"}
	Workflows = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "workflows"}
)

// Cluster is one namespace of a cluster.
type Cluster struct {
	// Dynamic reaches Argo's resources.
	Dynamic dynamic.Interface
	// Core reaches pods and their logs.
	Core corev1.CoreV1Interface
	// Namespace is where every call goes.
	Namespace string
}

// Kubeconfig chooses the cluster as kubectl does: the file Path, else
// $KUBECONFIG, else ~/.kube/config (or the pod's service account inside a
// cluster); its current context or Context; that context's namespace or
// Namespace.
type Kubeconfig struct {
	Path, Context, Namespace string
}

// Connect returns the cluster and namespace k chooses.
func Connect(k Kubeconfig) (*Cluster, error) {
	cfg, ns, _, err := kubeconfig.Load(k.Path, k.Context, k.Namespace, "no kubeconfig: flowc reaches the cluster as kubectl does, and found no configuration "+
		"(--kubeconfig, KUBECONFIG, ~/.kube/config) and no in-cluster service account; "+
		"point --kubeconfig at one, or write the YAML with flowc compile --target argo")
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	core, err := corev1.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	return &Cluster{Dynamic: dyn, Core: core, Namespace: ns}, nil
}

// resource is the cluster's namespaced client of gvr.
func (c *Cluster) resource(gvr schema.GroupVersionResource) dynamic.ResourceInterface {
	return c.Dynamic.Resource(gvr).Namespace(c.Namespace)
}

// what names an object as kubectl does: workflowtemplate.argoproj.io/NAME.
func what(gvr schema.GroupVersionResource, name string) string {
	return fmt.Sprintf("%s.%s/%s", gvr.Resource[:len(gvr.Resource)-1], gvr.Group, name)
}
