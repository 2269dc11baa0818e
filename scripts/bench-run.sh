#!/usr/bin/env bash
# Measures flowc's local runtime (docs/PERFORMANCE.md, "flowc run"):
#   - per-task overhead: a foreach of 1,000 trivial tasks (and 10,000, with
#     flowc's own peak memory);
#   - a 100 MiB []byte artifact written by one step and read by the next;
#   - resume of the 1,000-task run failed at its end: the cloning time;
#   - building the runner when nothing changed (cache hit).
# Usage: scripts/bench-run.sh [RUNS]   (default 3 runs each; medians printed)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/flowc" ./cmd/flowc
mkdir -p "$tmp/mod"
cp -r scripts/benchflows/* "$tmp/mod/"
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
wall() { # seconds of wall time of a command, its output discarded
  local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
  echo "scale=3; ($e-$s)/1000000000" | bc
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
"$flowc" run ./wide --n 2 >/dev/null   # build the runners once
"$flowc" run ./bigartifact --mib 1 >/dev/null

t1000=$(for _ in $(seq "$runs"); do wall "$flowc" run ./wide --max-num-splits 1000; done | median)
echo "foreach of 1,000 trivial tasks (1,003 tasks): ${t1000} s wall, $(echo "scale=1; $t1000*1000/1003" | bc) ms per task"

# flowc's own peak memory: VmHWM of the flowc process (GNU time's %M would
# count the largest task process too).
s=$(date +%s%N)
"$flowc" run ./wide --n 10000 --max-num-splits 10000 >/dev/null &
pid=$!
hwm=0
while kill -0 "$pid" 2>/dev/null; do
  v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$v" ] && hwm=$v
  sleep 0.2
done
wait "$pid"
e=$(date +%s%N)
w10k=$(echo "scale=3; ($e-$s)/1000000000" | bc)
echo "foreach of 10,000 trivial tasks: ${w10k} s wall, flowc's own peak RSS $((hwm/1024)) MiB, $(echo "scale=1; $w10k*1000/10003" | bc) ms per task"

for _ in $(seq "$runs"); do
  "$flowc" run ./bigartifact | grep -o 'handover of .*'
done

"$flowc" run ./wide --max-num-splits 1000 >/dev/null
origin=$(cat .flowc/Wide/latest_run)
tres=$(for _ in $(seq "$runs"); do wall "$flowc" resume ./wide End --origin-run-id "$origin" --max-num-splits 1000; done | median)
echo "resume of the 1,003-task run from End (1,002 tasks cloned, 1 run): ${tres} s wall"

tcache=$(for _ in $(seq 5); do wall "$flowc" check ./wide; done | median)
trun=$(for _ in $(seq 5); do wall "$flowc" run ./wide --n 1; done | median)
echo "a 4-task run with the runner cached (check + cache hit + 4 tasks): ${trun} s wall; flowc check alone ${tcache} s"
