#!/usr/bin/env bash
# Where the CPU of flowc run goes (docs/PERFORMANCE.md, "Where a task's CPU
# goes"): perf records every process of a run (task-clock, call graphs) and
# this prints the share of the CPU each process kind took and, for the
# runners and flowc, the inclusive share of the phases that matter: the Go
# runtime's start (rt0_go), the package initialisation (doInit1), sysmon,
# the garbage collector, the runner's wait and warm-up (await) and the task
# itself (task.Run), the executor's process starts (startTask).
# Usage: scripts/bench-profile.sh [FLOW [ARGS...]]   (default: wide
# --max-num-splits 1000; linear for the 50-step chain). Needs perf.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GOFLAGS=-mod=mod
[ $# -eq 0 ] && set -- wide --max-num-splits 1000
flow=$1; shift
go build -o "$tmp/flowc" ./cmd/flowc
mkdir -p "$tmp/mod"
cp -r scripts/benchflows/* "$tmp/mod/"
cp go.sum "$tmp/mod/"
printf 'module example.com/bench\n\ngo 1.26\n\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => %s\n' "$repo" > "$tmp/mod/go.mod"
cd "$tmp/mod"
export XDG_CACHE_HOME=$tmp/cache
"$tmp/flowc" run "./$flow" "$@" >/dev/null # build the runner
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
perf record -q -o "$tmp/perf.data" -e task-clock -F 2000 -g -- "$tmp/flowc" run "./$flow" "$@" >/dev/null 2>&1
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== CPU by process kind"
perf report -i "$tmp/perf.data" --no-children -g none --sort comm 2>/dev/null | grep '%' | head -5
for comm in runner flowc; do
  echo "== $comm: inclusive share of all the CPU (divide by its share above for a share of its own)"
  perf report -i "$tmp/perf.data" --comm "$comm" --children -g none --sort sym 2>/dev/null |
    grep -E '\] (runtime\.rt0_go|runtime\.schedinit|runtime\.doInit1|runtime\.sysmon|runtime\.gcBgMarkWorker|runtime\.morestack|main\.main|github\.com/flowc-dev/flowc/runtime/task\.(await|warmUp|Run\[|\(\*runner.*\)\.runStep)|github\.com/flowc-dev/flowc/runtime/exec\.startTask\.func1|github\.com/flowc-dev/flowc/runtime/exec\.\(\*executor\)\.loop\.func1)' |
    awk '{printf "  %7s  %s\n", $1, $4}' | cut -c1-110
done
