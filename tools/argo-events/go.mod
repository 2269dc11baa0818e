// The Argo Events release whose CRDs (manifests/base/crds: Sensor,
// EventSource, EventBus) scripts/kube-up.sh installs on the e2e cluster, so
// that the API server checks the Sensors flowc deploys against Argo Events'
// own schema. Nothing of it is built or linked: kube-up.sh only downloads
// the module (`go mod download`) for its manifests. A test-only module,
// never part of flowc's.
module github.com/flowc-dev/flowc/tools/argo-events

go 1.26

require github.com/argoproj/argo-events v1.9.9
