#!/usr/bin/env bash
# Measures what a task costs to start and what flowc run costs per task
# (docs/PERFORMANCE.md, "The task runner"), side by side with a Go hello
# world and, given BASE, with flowc built from that git revision, all in one
# run so that every figure sees the same load:
#   - the start of a Go hello world, of flowc itself (flowc version), of
#     the runner with no arguments (its
#     package initialisation and exit), and of a trivial task (the End step
#     of the 50-step flow run again under a fresh task id), and of the same
#     task given to a runner started ahead of need (runtime/exec's spares);
#   - the runner's size and its package initialisation (GODEBUG=inittrace=1);
#   - flowc run of a 50-step linear flow;
#   - a foreach of 1,000 trivial tasks, and (this checkout only) of 10,000
#     with flowc's peak RSS.
#   - with SPARES_OFF=1, the linear flow and the 1,000 again with
#     FLOWC_SPARE_RUNNERS=0 (no runners started ahead of need);
#   - with TASKS_PER_RUNNER=N, the linear flow, the 1,000 and the 10,000
#     again with flowc run --tasks-per-runner N (opt-in: several tasks a
#     process), this checkout only.
# Usage: scripts/bench-start.sh [RUNS] [BASE]   (RUNS default 3; BASE a git
# revision, say main, to compare against; SKIP_10K=1 leaves out the 10,000)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${1:-3}
base=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GOCACHE=$(go env GOCACHE) GOFLAGS=-mod=mod

# One flowc, module and runner cache per variant: "new" is this checkout.
variants=(new)
setup() { # name source-dir
  local v=$1 src=$2
  mkdir -p "$tmp/$v/mod" "$tmp/$v/cache"
  (cd "$src" && go build -o "$tmp/$v/flowc" ./cmd/flowc)
  cp -r "$repo"/scripts/benchflows/* "$tmp/$v/mod/"
  cp "$src/go.sum" "$tmp/$v/mod/"
  printf 'module example.com/bench\n\ngo 1.26\n\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => %s\n' "$src" > "$tmp/$v/mod/go.mod"
}
setup new "$repo"
if [ -n "$base" ]; then
  mkdir -p "$tmp/base-src"
  git archive "$base" | tar -x -C "$tmp/base-src"
  setup base "$tmp/base-src"
  variants=(base new)
fi
flowc() { # variant args...: flowc run in the variant's module, its own runner cache
  local v=$1; shift
  (cd "$tmp/$v/mod" && XDG_CACHE_HOME="$tmp/$v/cache" "$tmp/$v/flowc" "$@")
}
runner() { # variant flow: the path of the flow's runner
  dirname "$(grep -l "for flow $2\." "$tmp/$1"/cache/flowc/runners/*/*/main.go | head -1)"
}

mkdir -p "$tmp/hello"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello, world") }\n' > "$tmp/hello/main.go"
printf 'module hello\n\ngo 1.26\n' > "$tmp/hello/go.mod"
(cd "$tmp/hello" && go build -o "$tmp/hello/hello" .)
go build -o "$tmp/startbench" ./scripts/startbench

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed CMD...: "WALL CPU" in seconds, CPU being user+sys of the command and
# its children (the tasks); its output discarded.
timed() { local TIMEFORMAT='%R %U %S' t; t=$( { time "$@" >/dev/null 2>&1; } 2>&1 ); awk '{printf "%.3f %.3f\n", $1, $2+$3}' <<<"$t"; }
# medians of RUNS timed runs: "WALL CPU"
medians() { local out; out=$(for _ in $(seq "$runs"); do timed "$@"; done); echo "$(cut -d' ' -f1 <<<"$out" | median) $(cut -d' ' -f2 <<<"$out" | median)"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${variants[@]}"; do # build the runners once
  flowc "$v" run ./linear >/dev/null
  flowc "$v" run ./wide --n 2 >/dev/null
done

args=()
for v in "${variants[@]}"; do
  r=$(runner "$v" Linear)/runner
  run=$(cat "$tmp/$v/mod/.flowc/Linear/latest_run")
  echo "$v runner: $(stat -c %s "$r" | awk '{printf "%.1f MB", $1/1e6}'), $(go version -m "$r" | grep -c '^\s*dep') modules," \
    "package init $(for _ in $(seq 15); do GODEBUG=inittrace=1 "$r" 2>&1 >/dev/null | awk '/^init/ {t+=$5} END {print t}'; done | median) ms (median of 15)," \
    "forbidden modules: $(go version -m "$r" | grep -cE 'spf13/cobra|k8s.io/client-go|golang.org/x/tools' || true)," \
    "go/types or flowc's parser linked: $(go tool nm "$r" | grep -cE ' (go/types|github.com/flowc-dev/flowc/parser)\.' || true) symbols"
  # flowc's own start (its runtime and package inits; `flowc version` does
  # nothing else), what every flowc run pays before its first task.
  args+=("$v-flowc-version=$tmp/$v/flowc" version ";")
  args+=("$v-runner-no-args=$r" ";" "$v-trivial-task=$r" step End --run-id "$run" --task-id "b{i}" --input-paths S48/0
    --datastore-root "$tmp/$v/mod/.flowc" ";")
  # The same task given to a runner started ahead of need (this checkout's
  # runners only): from the assignment to the exit.
  [ "$v" = new ] && args+=("await:$v-trivial-task=$r" step End --run-id "$run" --task-id "a{i}" --input-paths S48/0
    --datastore-root "$tmp/$v/mod/.flowc" ";")
done
"$tmp/startbench" -n 40 -- hello-world="$tmp/hello/hello" ";" "${args[@]}"

# runtime CMD...: the run's own time as flowc reports it ("succeeded in
# T"): from the run's start to its end, without flowc's own start, the
# front end and the runner cache lookup.
runtime() { "$@" 2>&1 | sed -n 's/.* succeeded in \([0-9.]*\)\(m\?s\) .*/\1 \2/p' | awk '{print ($2=="ms") ? $1/1000 : $1}'; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${variants[@]}"; do
  read -r w c < <(medians flowc "$v" run ./linear)
  r=$(for _ in $(seq "$runs"); do runtime flowc "$v" run ./linear; done | median)
  echo "$v: 50-step linear flow: ${w} s wall, ${c} s CPU (flowc and its tasks; medians of $runs);" \
    "the run itself ${r} s, $(echo "scale=2; $r*1000/50" | bc) ms a task (what a user waits for a trivial task in a chain)"
done
if [ -n "${SPARES_OFF:-}" ]; then # the same without runners started ahead of need
  read -r w c < <(FLOWC_SPARE_RUNNERS=0 medians flowc new run ./linear)
  echo "new, FLOWC_SPARE_RUNNERS=0: 50-step linear flow: ${w} s wall, ${c} s CPU"
  read -r w c < <(FLOWC_SPARE_RUNNERS=0 medians flowc new run ./wide --max-num-splits 1000)
  echo "new, FLOWC_SPARE_RUNNERS=0: foreach of 1,000: $(echo "scale=2; $w*1000/1003" | bc) ms per task; CPU $(echo "scale=2; $c*1000/1003" | bc) ms per task"
fi
if [ -n "${TASKS_PER_RUNNER:-}" ]; then # opt-in: several tasks a runner process
  tpr=(--tasks-per-runner "$TASKS_PER_RUNNER")
  read -r w c < <(medians flowc new run ./linear "${tpr[@]}")
  r=$(for _ in $(seq "$runs"); do runtime flowc new run ./linear "${tpr[@]}"; done | median)
  echo "new, --tasks-per-runner $TASKS_PER_RUNNER: 50-step linear flow: ${w} s wall, ${c} s CPU; the run itself ${r} s"
  read -r w c < <(medians flowc new run ./wide --max-num-splits 1000 "${tpr[@]}")
  echo "new, --tasks-per-runner $TASKS_PER_RUNNER: foreach of 1,000: $(echo "scale=2; $w*1000/1003" | bc) ms per task; CPU $(echo "scale=2; $c*1000/1003" | bc) ms per task"
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${variants[@]}"; do
  read -r w c < <(medians flowc "$v" run ./wide --max-num-splits 1000)
  echo "$v: foreach of 1,000 trivial tasks (1,003 tasks): ${w} s wall, $(echo "scale=2; $w*1000/1003" | bc) ms per task;" \
    "CPU $(echo "scale=2; $c*1000/1003" | bc) ms per task"
done
hwm() { # variant args...: flowc's own peak RSS (VmHWM) in MiB
  local v=$1; shift
  (cd "$tmp/$v/mod" && XDG_CACHE_HOME="$tmp/$v/cache" exec "$tmp/$v/flowc" "$@" >/dev/null) &
  local pid=$! hwm=0 x
  while kill -0 "$pid" 2>/dev/null; do
    x=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$x" ] && hwm=$x
    sleep 0.02
  done
  wait "$pid"
  echo $((hwm/1024))
}
for v in "${variants[@]}"; do # what flowc holds whatever the width: its code, the front end's types
  echo "$v: flowc's peak RSS for a foreach of 2: $(hwm "$v" run ./wide --n 2) MiB"
done
big=(new)
[ -n "${TASKS_PER_RUNNER:-}" ] && big+=("new, --tasks-per-runner $TASKS_PER_RUNNER")
for label in "${big[@]}"; do # the 10,000 only for this checkout: it takes minutes
  [ -n "${SKIP_10K:-}" ] && break
  v=new extra=()
  [ "$label" != new ] && extra=(--tasks-per-runner "$TASKS_PER_RUNNER")
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  # flowc's own peak memory: VmHWM of the flowc process, not of its tasks.
  s=$(date +%s%N)
  (cd "$tmp/$v/mod" && XDG_CACHE_HOME="$tmp/$v/cache" exec "$tmp/$v/flowc" run ./wide --n 10000 --max-num-splits 10000 "${extra[@]}" >/dev/null) &
  pid=$!
  hwm=0 ticks=0
  while kill -0 "$pid" 2>/dev/null; do
    x=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$x" ] && hwm=$x
    # flowc's own CPU (the executor's share: utime+stime, its tasks excluded)
    x=$(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || true)
    [ -n "$x" ] && ticks=$x
    sleep 0.2
  done
  wait "$pid"
  e=$(date +%s%N)
  w=$(echo "scale=3; ($e-$s)/1000000000" | bc)
  echo "$label: foreach of 10,000 trivial tasks: ${w} s wall, $(echo "scale=2; $w*1000/10003" | bc) ms per task, flowc's peak RSS $((hwm/1024)) MiB," \
    "flowc's own CPU $(echo "scale=2; $ticks*1000/$(getconf CLK_TCK)/10003" | bc) ms per task"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
