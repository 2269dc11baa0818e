#!/usr/bin/env bash
# kube-down.sh: stop the e2e cluster that scripts/kube-up.sh started, by the
# PIDs it recorded in $FLOWC_KUBE_DIR/pids (default /tmp/flowc-kube), in the
# reverse order of start: SIGTERM, then SIGKILL after 10 s. The pods'
# containers (containerd's shims) and their mounts, the kube-proxy rules and
# the bridge go too. Idempotent: with nothing up it does nothing. The state
# (certificates, logs) stays for inspection; FLOWC_KUBE_CLEAN=1 removes it.
set -uo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
STATE=${FLOWC_KUBE_DIR:-/tmp/flowc-kube}
[ -d "$STATE/pids" ] || exit 0

stop() {
	local f=$STATE/pids/$1.pid pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$f"
}

stop workflow-controller
stop kube-proxy
stop kubelet
# The pods' containers: kill every task of this cluster's containerd, then
# the shims it started (their -address names our socket), by PID.
sock=$STATE/containerd/containerd.sock
if [ -S "$sock" ]; then
	for t in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
		ctr --address "$sock" -n k8s.io tasks kill -a -s SIGKILL "$t" >/dev/null 2>&1
	done
	sleep 1
fi
for p in $(pgrep -f "containerd-shim-runc-v2 .*-address $sock" 2>/dev/null); do
	kill -KILL "$p" 2>/dev/null
done
stop containerd
stop kube-scheduler
stop kube-controller-manager
stop kube-apiserver
stop etcd
stop registry
# What the kubelet and containerd mounted under the state directory.
grep -o " $STATE/[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
# kube-proxy's and the kubelet's rules: everything in the KUBE-* chains
# they made. Tried up to three times: a restore racing a component that is
# still exiting left the chains once.
for _ in 1 2 3; do
	command -v iptables-save >/dev/null && iptables-save 2>/dev/null | grep -q KUBE- || break
	for t in nat filter mangle; do
		iptables-save -t "$t" | grep -v -- '-j KUBE-\|^:KUBE-\|^-A KUBE-' | iptables-restore -T "$t" 2>/dev/null || true
	done
	sleep 1
done
ip link del flowc0 2>/dev/null || true
for f in "$STATE"/pids/*.pid; do [ -e "$f" ] && rm -f "$f"; done
if [ "${FLOWC_KUBE_CLEAN:-}" = 1 ]; then
	rm -rf "$STATE"
fi
echo "kube-down: stopped $STATE"
