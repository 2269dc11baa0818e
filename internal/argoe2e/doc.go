// Package argoe2e holds the end-to-end tests of the Argo target on a real
// cluster: scripts/kube-e2e.sh (make e2e-argo) starts a single-node
// Kubernetes built from source with Argo's own workflow-controller
// (scripts/kube-up.sh) and runs them; without that cluster they skip.
package argoe2e
