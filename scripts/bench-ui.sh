#!/usr/bin/env bash
# Measures flowc ui on a real run of 10,000 tasks (docs/PERFORMANCE.md,
# "flowc ui"): the time to serve the run page from a server that has not
# read the run (cold) and from one that has (warm), and the page's size.
# The run takes a few minutes to make (a foreach of 10,000 trivial tasks of
# scripts/benchflows/wide); pass a datastore that already holds one as $1 to
# skip that.
# Usage: scripts/bench-ui.sh [DATASTORE]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tmp=$(mktemp -d)
ui_pid=
trap '[ -n "$ui_pid" ] && kill "$ui_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/flowc" ./cmd/flowc
flowc="$tmp/flowc"
ds=${1:-}
if [ -z "$ds" ]; then
  ds="$tmp/ds"
  mkdir -p "$tmp/mod"
  cp -r scripts/benchflows/* "$tmp/mod/"
  cp go.sum "$tmp/mod/"
  cat > "$tmp/mod/go.mod" <<MOD
module example.com/bench

go 1.26

require github.com/flowc-dev/flowc v0.0.0

replace github.com/flowc-dev/flowc => $repo
MOD
  (cd "$tmp/mod" && GOFLAGS=-mod=mod "$flowc" run ./wide --n 10000 --max-num-splits 10000 --datastore-root "$ds" >/dev/null)
fi
run=$(cat "$ds/Wide/latest_run")
port=$((20000 + RANDOM % 20000))
serve() { "$flowc" ui --datastore-root "$ds" --port "$port" >/dev/null 2>&1 & ui_pid=$!; sleep 1; }
stop() { kill "$ui_pid"; wait "$ui_pid" 2>/dev/null || true; ui_pid=; }
get() { curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "http://127.0.0.1:$port/runs/Wide/$run"; }
echo "run Wide/$run: $(find "$ds/Wide/$run" -name DONE.json | wc -l) tasks; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 1 2 3 4 5; do
  serve
  cold=$(get)
  warm=$(get)
  stop
  echo "pass $i: cold ${cold% *} s, warm ${warm% *} s, ${cold#* } bytes"
done
