// Package argoe2e pins the Argo Workflows release whose real
// workflow-controller and argoexec the end-to-end cluster runs
// (scripts/kube-up.sh builds both with `go build` of the upstream main
// packages listed in go.mod's tool block, and installs the CRDs of the same
// module's manifests directory). It is a test-only module, never linked into
// flowc.
package argoe2e
