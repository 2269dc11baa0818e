#!/usr/bin/env bash
# Measures the step cache (docs/PERFORMANCE.md, "Step cache"): a flow of
# 100 tasks, every step //flow:cache (scripts/benchflows/cached: Start, 97
# foreach tasks, Join, End), run twice into a fresh datastore; the second
# run reuses every task. Reported: each run's time as flowc prints it
# ("Run ... succeeded in T", from the run's start, after the runner is
# built), for trivial tasks and for tasks of 50 ms of CPU each.
# Usage: scripts/bench-cache.sh [RUNS]   (default 3 pairs each; medians)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/flowc" ./cmd/flowc
mkdir -p "$tmp/mod"
cp -r scripts/benchflows/cached "$tmp/mod/"
cp go.sum "$tmp/mod/"
cat > "$tmp/mod/go.mod" <<MOD
module example.com/bench

go 1.26

require github.com/flowc-dev/flowc v0.0.0

replace github.com/flowc-dev/flowc => $repo
MOD
cd "$tmp/mod"
export GOFLAGS=-mod=mod
flowc="$tmp/flowc"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# took prints the seconds of "Run ... succeeded in T (...)".
took() {
  local line
  line=$("$@" | grep -E '^Run .* succeeded in ')
  case "$line" in *cached*) ;; *) [ "${want_cached:-0}" = 1 ] && { echo "not cached: $line" >&2; exit 1; } ;; esac
  echo "$line" | sed -E 's/.* succeeded in ([0-9.]+)(m?s).*/\1 \2/' | awk '{ if ($2 == "ms") print $1/1000; else print $1 }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3), load $(cut -d' ' -f1 /proc/loadavg)"
"$flowc" run ./cached --n 2 --datastore-root "$tmp/warmup" >/dev/null   # build the runner once

for work in 0 50; do
  firsts=() seconds=()
  for i in $(seq "$runs"); do
    ds="$tmp/ds-$work-$i"
    firsts+=("$(want_cached=0 took "$flowc" run ./cached --work "$work" --datastore-root "$ds")")
    seconds+=("$(want_cached=1 took "$flowc" run ./cached --work "$work" --datastore-root "$ds")")
  done
  f=$(printf '%s\n' "${firsts[@]}" | median)
  s=$(printf '%s\n' "${seconds[@]}" | median)
  echo "100 tasks, ${work} ms of work each: first run ${f} s, second run (100 cached) ${s} s: $(echo "scale=1; 100*$s/$f" | bc)% of the first"
done
