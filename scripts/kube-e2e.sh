#!/usr/bin/env bash
# kube-e2e.sh (make e2e-argo): run flows on the real single-node Kubernetes
# with Argo's own controller and compare each run with flowc run's.
# It brings the cluster up with scripts/kube-up.sh, or reuses one that is up,
# builds flowc, runs the tests of internal/argoe2e, prints one line per flow
# (PASS DIR, or FAIL DIR: reason) and last "argo e2e: P/N flows equal to
# flowc run", and tears down the cluster if it started it.
#
#   E2E_FLOWS="DIR ..." scripts/kube-e2e.sh   # the given flow packages instead of the examples
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
STATE=${FLOWC_KUBE_DIR:-/tmp/flowc-kube}
started=0
t0=$(date +%s)
out=$(scripts/kube-up.sh | tail -1) || { echo "argo e2e: the cluster did not come up (logs in $STATE/logs)"; scripts/kube-down.sh; exit 1; }
echo "$out"
case $out in *started*) started=1 ;; esac
echo "kube-e2e: cluster ready in $(($(date +%s) - t0)) s"
. "$STATE/env"
go build -o bin/flowc ./cmd/flowc || exit 1
# The datastore the pods write: s3rver (internal/s3test), from npm.
if [ -z "${FLOWC_S3RVER:-}" ] && [ ! -d tools/s3rver/node_modules/s3rver ]; then
	(cd tools/s3rver && npm ci --no-audit --no-fund >/dev/null) || { echo "argo e2e: npm ci in tools/s3rver failed"; exit 1; }
fi
report=$(mktemp)
# Its own log: several developers' runs may share one cluster.
log=$(mktemp "$STATE/logs/e2e-test.XXXXXX.log")
FLOWC_E2E_FLOWC=$PWD/bin/flowc FLOWC_E2E_REPORT=$report E2E_FLOWS="${E2E_FLOWS:-}" \
	go test -v -count=1 -timeout "${E2E_TIMEOUT:-60m}" -parallel 64 -run "${E2E_RUN:-.}" ./internal/argoe2e >"$log" 2>&1
rc=$?
cat "$report"
rm -f "$report"
# How long each test and flow took.
grep -E '^ *--- (PASS|FAIL|SKIP)' "$log" | grep -v '^ *--- PASS: TestArgoE2E/flows ' || true
if [ $rc -ne 0 ]; then
	echo "kube-e2e: go test failed (exit $rc); its output: $log"
	# CI keeps what the run printed, not the log: the failures' lines.
	grep -E -A3 -- '--- FAIL|^panic:|test timed out' "$log" | head -150
	tail -40 "$log"
fi
if [ $started = 1 ] && [ "${FLOWC_KUBE_KEEP:-}" != 1 ]; then
	scripts/kube-down.sh
fi
echo "kube-e2e: $(($(date +%s) - t0)) s in all"
exit $rc
