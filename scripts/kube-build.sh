#!/usr/bin/env bash
# kube-build.sh [BIN]: build the e2e cluster's binaries into BIN (default
# bin/): kube (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet, kube-proxy, kubectl, the registry, in one binary,
# from tools/kube), kube-pause, and Argo's workflow-controller and argoexec
# (tools/argo-e2e). scripts/kube-up.sh runs it. A binary newer than every
# file of its module is not built again: relinking the kube binary takes
# minutes even with a warm cache.
#
# The two modules build at once (their compiles share the cores; their
# links, single-threaded and long, overlap), without symbol tables or DWARF
# (-s -w: shorter links, and a smaller argoexec, which every pod's init
# container copies). Each build's output is in BIN/build-NAME.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
BIN=${1:-$PWD/bin}
mkdir -p "$BIN"
BIN=$(cd "$BIN" && pwd)
log() { echo "kube-build: $*" >&2; }

# stale BINARY DIR: BINARY is missing or older than a file of DIR.
stale() { [ ! -x "$1" ] || [ -n "$(find "$2" -type f -newer "$1" -print -quit)" ]; }

t0=$(date +%s)
pids=()
logs=()
if stale "$BIN/kube" tools/kube || stale "$BIN/kube-pause" tools/kube/pause; then
	log "building tools/kube (etcd, Kubernetes); the first build takes long"
	(
		cd tools/kube
		# The version the components report (the kubelet registers it on its Node).
		KVER=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
		KLD="-s -w -X k8s.io/component-base/version.gitVersion=$KVER -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$KVER" | cut -d. -f2)"
		KLD="$KLD -X k8s.io/client-go/pkg/version.gitVersion=$KVER"
		s=$(date +%s)
		nice -n 10 go build -ldflags "$KLD" -o "$BIN/kube" . &&
			CGO_ENABLED=0 nice -n 10 go build -ldflags "-s -w" -o "$BIN/kube-pause" ./pause &&
			echo "kube-build: tools/kube built in $(($(date +%s) - s)) s" >&2
	) >"$BIN/build-kube.log" 2>&1 &
	pids+=($!)
	logs+=("$BIN/build-kube.log")
fi
if stale "$BIN/workflow-controller" tools/argo-e2e || stale "$BIN/argoexec" tools/argo-e2e; then
	log "building tools/argo-e2e (Argo's workflow-controller and argoexec); the first build takes long"
	(
		# Argo's workflow/executor/osspecific/signal_linux.go is a symlink to
		# signal_darwin.go in its repository, and module zips drop symlinks, so
		# argoexec does not build for linux from the module ("undefined:
		# Setpgid"), and go build -overlay refuses files of the module cache.
		# Both binaries are built from a copy of the module with the symlink put
		# back (BIN/argo-src), through a go.mod that replaces the module by it
		# (BIN/argoexec.mod): one build, so Argo's packages compile once.
		cd tools/argo-e2e
		ARGO_DIR=$(go list -m -f '{{.Dir}}' github.com/argoproj/argo-workflows/v4)
		src=$BIN/argo-src
		if [ ! -e "$src/workflow/executor/osspecific/signal_linux.go" ]; then
			rm -rf "$src"
			cp -r "$ARGO_DIR" "$src"
			chmod -R u+w "$src"
			ln -s signal_darwin.go "$src/workflow/executor/osspecific/signal_linux.go"
		fi
		cp go.mod "$BIN/argoexec.mod"
		cp go.sum "$BIN/argoexec.sum"
		go mod edit -modfile "$BIN/argoexec.mod" -replace "github.com/argoproj/argo-workflows/v4=$src"
		s=$(date +%s)
		CGO_ENABLED=0 nice -n 10 go build -modfile "$BIN/argoexec.mod" -ldflags "-s -w" -o "$BIN/" \
			github.com/argoproj/argo-workflows/v4/cmd/workflow-controller github.com/argoproj/argo-workflows/v4/cmd/argoexec &&
			echo "kube-build: tools/argo-e2e built in $(($(date +%s) - s)) s" >&2
	) >"$BIN/build-argo.log" 2>&1 &
	pids+=($!)
	logs+=("$BIN/build-argo.log")
fi
rc=0
for p in "${pids[@]}"; do
	wait "$p" || rc=1
done
for f in "${logs[@]}"; do
	cat "$f" >&2
done
[ $rc = 0 ] || { log "a build failed (its output is above)"; exit 1; }
log "built in $(($(date +%s) - t0)) s"
