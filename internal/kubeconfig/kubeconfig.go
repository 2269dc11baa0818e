// Package kubeconfig finds the cluster flowc talks to as kubectl does, for
// the Argo deployer and the Kubernetes secrets provider.
package kubeconfig

import (
	"errors"
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Load reads the kubeconfig at path (empty: KUBECONFIG, ~/.kube/config,
// else the in-cluster service account) with context kubeContext (empty:
// the current one) and namespace (empty: the context's, else default). It
// returns the client configuration, the namespace and the context's name.
// noConfig is the error when there is no configuration at all: client-go's
// own text suggests KUBERNETES_MASTER, which no current tool sets.
func Load(path, kubeContext, namespace, noConfig string) (cfg *rest.Config, ns, contextName string, err error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = path
	overrides := &clientcmd.ConfigOverrides{CurrentContext: kubeContext}
	overrides.Context.Namespace = namespace
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	explain := func(err error) error {
		if clientcmd.IsEmptyConfig(err) {
			return errors.New(noConfig)
		}
		return fmt.Errorf("kubeconfig: %w", err)
	}
	if ns, _, err = cc.Namespace(); err != nil {
		return nil, "", "", explain(err)
	}
	if cfg, err = cc.ClientConfig(); err != nil {
		return nil, "", "", explain(err)
	}
	cfg.UserAgent = "flowc"
	contextName = kubeContext
	if contextName == "" {
		if raw, err := cc.RawConfig(); err == nil {
			contextName = raw.CurrentContext
		}
	}
	return cfg, ns, contextName, nil
}
