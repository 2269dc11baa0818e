// Package kubesecrets reads //flow:secrets from Kubernetes Secrets for a
// local run, through the kubeconfig as kubectl does: the secret REF is the
// Secret REF in the namespace given, or the kubeconfig context's. Each key
// of the Secret becomes a variable of the task, as envFrom gives it to a
// step's pod on argo. flowc links this package; the task runner never does.
package kubesecrets

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"

	kubecfg "github.com/flowc-dev/flowc/internal/kubeconfig"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/flowc-dev/flowc/runtime/secrets"
)

// Provider reads Secrets of one namespace.
type Provider struct {
	client    dynamic.Interface
	namespace string
	context   string
}

var secretsGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// New connects to the cluster of kubeconfig (empty: $KUBECONFIG, else
// ~/.kube/config) and its context kubeContext (empty: the current one), to
// read Secrets in namespace (empty: the context's, else default).
func New(kubeconfigPath, kubeContext, namespace string) (*Provider, error) {
	cfg, ns, name, err := kubecfg.Load(kubeconfigPath, kubeContext, namespace, "no kubeconfig: flowc reads Secrets as kubectl does, and found no configuration "+
		"(set KUBECONFIG, or write ~/.kube/config)")
	if err != nil {
		return nil, err
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Provider{client: client, namespace: ns, context: name}, nil
}

// NewWithClient reads Secrets through client, in namespace.
func NewWithClient(client dynamic.Interface, namespace string) *Provider {
	return &Provider{client: client, namespace: namespace}
}

// Name says which namespace (and context) the Secrets come from.
func (p *Provider) Name() string {
	if p.context == "" {
		return "Kubernetes namespace " + p.namespace
	}
	return "Kubernetes namespace " + p.namespace + " (context " + p.context + ")"
}

// Namespace is the namespace Secrets are read in.
func (p *Provider) Namespace() string { return p.namespace }

// Get reads Secret ref and returns its keys as a JSON object.
func (p *Provider) Get(ctx context.Context, ref string) (string, error) {
	u, err := p.client.Resource(secretsGVR).Namespace(p.namespace).Get(ctx, ref, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", fmt.Errorf("%w: no Secret %s in namespace %s", secrets.ErrNotFound, ref, p.namespace)
	}
	if err != nil {
		return "", err
	}
	data, _ := u.Object["data"].(map[string]any)
	kv := make(map[string]string, len(data))
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s, _ := data[k].(string)
		v, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return "", fmt.Errorf("Secret %s: key %s is not base64", ref, k)
		}
		kv[k] = string(v)
	}
	return secrets.Object(kv), nil
}
