#!/usr/bin/env bash
# kube-up.sh: start the offline single-node Kubernetes cluster with the real
# Argo workflow-controller that `make e2e-argo` runs flows on, or reuse the
# one that is up. Everything is built here from source modules (tools/kube:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet,
# kube-proxy, kubectl in one binary; tools/argo-e2e: Argo's workflow-controller
# and argoexec) or comes from Debian (containerd, runc, the CNI plugins);
# images are built here and pushed to a registry on 127.0.0.1; nothing is
# pulled from the internet.
#
# State lives in $FLOWC_KUBE_DIR (default /tmp/flowc-kube): pids/ holds one
# PID file per process, logs/ their output, env the variables the tests read
# (KUBECONFIG, FLOWC_E2E_REGISTRY, FLOWC_E2E_HOST). Run as root (containerd,
# the kubelet, kube-proxy and the CNI bridge need it). scripts/kube-down.sh
# stops it by PID.
#
# It prints "kube-up: reused" when a cluster was already up (every recorded
# process alive and the API server ready), "kube-up: started" otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
STATE=${FLOWC_KUBE_DIR:-/tmp/flowc-kube}
# FLOWC_KUBE_BIN names a directory of binaries built already (kube,
# kube-pause, workflow-controller, argoexec), used as they are.
BIN=${FLOWC_KUBE_BIN:-$ROOT/bin}
# Addresses: the pods' bridge and its gateway (the host, where the API server,
# the registry and the tests' S3 server are reached from the pods), the
# Service range whose first address is the kubernetes Service.
BRIDGE=flowc0
POD_CIDR=10.244.0.0/24
HOST_IP=10.244.0.1
SVC_CIDR=10.96.0.0/24
ETCD_PORT=23790
API_PORT=6443
REGISTRY=127.0.0.1:5111
NODE=flowc-node
ARGO_NS=argo
ARGO_VERSION=v4.0.5

log() { echo "kube-up: $*" >&2; }
die() { echo "kube-up: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (containerd, the kubelet and the CNI bridge need it)"

alive() { [ -f "$STATE/pids/$1.pid" ] && kill -0 "$(cat "$STATE/pids/$1.pid")" 2>/dev/null; }

COMPONENTS="registry containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy workflow-controller"
up=1
for c in $COMPONENTS; do alive "$c" || up=0; done
if [ "$up" = 1 ] && KUBECONFIG=$STATE/pki/admin.kubeconfig "$BIN/kube" kubectl get --raw /readyz >/dev/null 2>&1; then
	echo "kube-up: reused $STATE"
	exit 0
fi
if [ -d "$STATE/pids" ] && ls "$STATE"/pids/*.pid >/dev/null 2>&1; then
	log "a cluster in $STATE is partly up: stopping it first"
	"$ROOT/scripts/kube-down.sh"
fi

for cmd in containerd containerd-shim-runc-v2 runc iptables conntrack ip; do
	command -v "$cmd" >/dev/null || die "$cmd is missing: apt-get install containerd runc containernetworking-plugins iptables conntrack iproute2"
done
[ -x /usr/lib/cni/bridge ] || die "/usr/lib/cni/bridge is missing: apt-get install containernetworking-plugins"

# --- build (cached by Go after the first time) --------------------------------
mkdir -p "$BIN" "$STATE"/{pids,logs,pki}
if [ -n "${FLOWC_KUBE_BIN:-}" ]; then
	for b in kube kube-pause workflow-controller argoexec; do
		[ -x "$BIN/$b" ] || die "FLOWC_KUBE_BIN=$BIN has no $b"
	done
else
	"$ROOT/scripts/kube-build.sh" "$BIN"
fi
ARGO_DIR=$(cd tools/argo-e2e && go list -m -f '{{.Dir}}' github.com/argoproj/argo-workflows/v4)

# start NAME CMD... runs CMD in the background with its output in logs/NAME.log
# and records its PID.
start() {
	local name=$1
	shift
	setsid "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
	echo $! >"$STATE/pids/$name.pid"
}
# wait_for WHAT SECONDS CMD...: retry CMD until it succeeds.
wait_for() {
	local what=$1 secs=$2
	shift 2
	for _ in $(seq "$secs"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 1
	done
	die "$what not ready after $secs s (logs in $STATE/logs)"
}

# A fresh cluster: no objects, pods or addresses of an earlier one (its
# images stay in containerd's root and are not pulled again).
rm -rf "$STATE/etcd" "$STATE/kubelet/root" "$STATE/cni/ipam" "$STATE/containerd/state"

# --- network: the pods' bridge --------------------------------------------------
if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
	ip link add "$BRIDGE" type bridge
fi
ip addr replace "$HOST_IP/24" dev "$BRIDGE"
ip link set "$BRIDGE" up
sysctl -qw net.ipv4.ip_forward=1 || true
mkdir -p "$STATE/cni/net.d"
cat >"$STATE/cni/net.d/10-flowc.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "flowc-e2e",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$HOST_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$STATE/cni/ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF

# --- certificates ---------------------------------------------------------------
"$BIN/kube" pki "$STATE/pki" "https://127.0.0.1:$API_PORT" 127.0.0.1 "$HOST_IP" 10.96.0.1
PKI=$STATE/pki
export KUBECONFIG=$PKI/admin.kubeconfig
kubectl() { "$BIN/kube" kubectl "$@"; }

# --- registry and images --------------------------------------------------------
start registry "$BIN/kube" registry "$REGISTRY" "$STATE/registry"
wait_for registry 30 curl -sf "http://$REGISTRY/v2/"
"$BIN/kube" push-image "$REGISTRY/flowc-e2e/pause:1" /pause "$BIN/kube-pause=/pause"
"$BIN/kube" push-image "$REGISTRY/flowc-e2e/argoexec:$ARGO_VERSION" /bin/argoexec "$BIN/argoexec=/bin/argoexec"

# --- containerd -----------------------------------------------------------------
CTRD=$STATE/containerd
mkdir -p "$CTRD/certs.d/$REGISTRY"
cat >"$CTRD/certs.d/$REGISTRY/hosts.toml" <<EOF
server = "http://$REGISTRY"
[host."http://$REGISTRY"]
  capabilities = ["pull", "resolve", "push"]
EOF
cat >"$CTRD/config.toml" <<EOF
version = 2
root = "$CTRD/root"
state = "$CTRD/state"
[grpc]
  address = "$CTRD/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$REGISTRY/flowc-e2e/pause:1"
  # This machine refuses a negative oom_score_adj even to root ("write
  # /proc/self/oom_score_adj: permission denied"), and runc's init dies
  # setting the sandbox's -998 ("can't get final child's PID from pipe:
  # EOF"): keep every container's at or above containerd's own.
  restrict_oom_score_adj = true
  enable_cdi = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$CTRD/certs.d"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
EOF
start containerd containerd --config "$CTRD/config.toml"
wait_for containerd 30 ctr --address "$CTRD/containerd.sock" version

# --- etcd -----------------------------------------------------------------------
start etcd "$BIN/kube" etcd --name flowc --data-dir "$STATE/etcd" \
	--listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
	--listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" \
	--initial-cluster "flowc=http://127.0.0.1:$((ETCD_PORT + 10))" --unsafe-no-fsync
wait_for etcd 60 curl -sf "http://127.0.0.1:$ETCD_PORT/health"

# --- control plane --------------------------------------------------------------
start kube-apiserver "$BIN/kube" kube-apiserver \
	--etcd-servers "http://127.0.0.1:$ETCD_PORT" \
	--bind-address 0.0.0.0 --secure-port "$API_PORT" --advertise-address "$HOST_IP" \
	--service-cluster-ip-range "$SVC_CIDR" \
	--client-ca-file "$PKI/ca.crt" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
	--kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
	--service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
	--service-account-issuer https://kubernetes.default.svc.cluster.local \
	--kubelet-preferred-address-types InternalIP \
	--authorization-mode Node,RBAC --allow-privileged=true --profiling=false
wait_for kube-apiserver 300 kubectl get --raw /readyz

start kube-controller-manager "$BIN/kube" kube-controller-manager \
	--kubeconfig "$PKI/controller-manager.kubeconfig" \
	--authentication-kubeconfig "$PKI/controller-manager.kubeconfig" --authorization-kubeconfig "$PKI/controller-manager.kubeconfig" \
	--service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
	--use-service-account-credentials=true --leader-elect=false --profiling=false
start kube-scheduler "$BIN/kube" kube-scheduler \
	--kubeconfig "$PKI/scheduler.kubeconfig" \
	--authentication-kubeconfig "$PKI/scheduler.kubeconfig" --authorization-kubeconfig "$PKI/scheduler.kubeconfig" \
	--leader-elect=false --profiling=false

# --- node -----------------------------------------------------------------------
mkdir -p "$STATE/kubelet"
cat >"$STATE/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
cgroupsPerQOS: false
enforceNodeAllocatable: []
containerRuntimeEndpoint: "unix://$CTRD/containerd.sock"
clusterDomain: cluster.local
maxPods: 250
serializeImagePulls: false
imageGCHighThresholdPercent: 100
evictionHard: {"memory.available": "100Mi", "nodefs.available": "0%", "imagefs.available": "0%", "nodefs.inodesFree": "0%"}
tlsCertFile: "$PKI/apiserver.crt"
tlsPrivateKeyFile: "$PKI/apiserver.key"
port: 10250
readOnlyPort: 0
healthzPort: 10248
podPidsLimit: -1
EOF
start kubelet "$BIN/kube" kubelet --config "$STATE/kubelet/config.yaml" \
	--kubeconfig "$PKI/kubelet.kubeconfig" --root-dir "$STATE/kubelet/root" \
	--hostname-override "$NODE" --node-ip "$HOST_IP"
cat >"$STATE/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$PKI/kube-proxy.kubeconfig"}
mode: iptables
hostnameOverride: $NODE
clusterCIDR: $POD_CIDR
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
EOF
start kube-proxy "$BIN/kube" kube-proxy --config "$STATE/kube-proxy.yaml"
wait_for "node $NODE" 120 sh -c "'$BIN/kube' kubectl get node $NODE -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"

# examples/production's Score step asks for nvidia.com/gpu: 1. The node
# advertises one as an extended resource (a node status patch, as
# Kubernetes documents for extended resources) so that the step is
# scheduled; no device is behind it and the step does not use one.
kubectl patch node "$NODE" --subresource=status --type=json \
	-p '[{"op":"add","path":"/status/capacity/nvidia.com~1gpu","value":"1"}]' >/dev/null

# --- Argo -------------------------------------------------------------------------
# The full CRDs: the API server checks every Workflow, template and cron
# against Argo's own OpenAPI schema.
kubectl apply --server-side -k "$ARGO_DIR/manifests/base/crds/full" >/dev/null
# Argo Events' CRDs (Sensor, EventSource, EventBus), from the release
# tools/argo-events pins: the API server checks the Sensors flowc deploys
# against their schema. No Argo Events controller runs: a Sensor is
# accepted, not acted on.
EVENTS_DIR=$(cd tools/argo-events && go mod download -json github.com/argoproj/argo-events | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$EVENTS_DIR/manifests/base/crds" ] || die "no Argo Events module (tools/argo-events): go mod download failed"
kubectl apply --server-side -k "$EVENTS_DIR/manifests/base/crds" >/dev/null
kubectl create namespace "$ARGO_NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
cat <<EOF | kubectl apply -n "$ARGO_NS" -f - >/dev/null
apiVersion: v1
kind: ConfigMap
metadata: {name: workflow-controller-configmap}
data:
  # The executor image comes from the local registry; never pull it again.
  executor: |
    imagePullPolicy: IfNotPresent
EOF
# kubectl wait fails at once, rather than waiting, on a CRD that has no
# conditions yet (".status.conditions accessor error: <nil>"), as it may
# just after the apply on a loaded machine: ask again until established.
wait_for "Argo's CRDs" 60 kubectl wait --for condition=established --timeout=5s \
	crd/workflows.argoproj.io crd/workflowtemplates.argoproj.io crd/cronworkflows.argoproj.io crd/sensors.argoproj.io
# DEFAULT_REQUEUE_TIME: how soon the controller looks at a Workflow again
# (10 s by default); Argo's own test environment sets 1 s ("by keeping this
# short we speed up tests", its Makefile), and so does this one.
start workflow-controller env LEADER_ELECTION_DISABLE=true DEFAULT_REQUEUE_TIME=1s "$BIN/workflow-controller" \
	--kubeconfig "$PKI/admin.kubeconfig" --namespace "$ARGO_NS" \
	--configmap workflow-controller-configmap \
	--executor-image "$REGISTRY/flowc-e2e/argoexec:$ARGO_VERSION" --executor-image-pull-policy IfNotPresent
sleep 2
alive workflow-controller || die "workflow-controller exited: $(tail -5 "$STATE/logs/workflow-controller.log")"

cat >"$STATE/env" <<EOF
export KUBECONFIG=$PKI/admin.kubeconfig
export FLOWC_E2E_KUBE_DIR=$STATE
export FLOWC_E2E_REGISTRY=$REGISTRY
export FLOWC_E2E_HOST=$HOST_IP
export FLOWC_E2E_ARGO_DIR=$ARGO_DIR
EOF
echo "kube-up: started $STATE"
