#!/bin/sh
# first-run.sh: what a new user waits for, measured from a checkout:
# go install ./cmd/flowc, then flowc init and the first flowc run of the new
# flow, with a cold Go build cache (a fresh GOCACHE) and a cold runner
# cache; then the same for a second new flow, with both caches warm from
# the first. Modules are taken from the module cache (downloading them is
# not measured: see docs/install in README.md for its size).
# It measures the committed tree (HEAD), copied aside, so edits made while
# it runs do not disturb it.
# Usage: scripts/first-run.sh   (from the repository root)
set -eu
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
git archive HEAD | tar -x -C "$tmp/src"
root="$tmp/src"
cd "$root"
export GOCACHE="$tmp/gocache" GOBIN="$tmp/bin" XDG_CACHE_HOME="$tmp/xdg"
secs() { echo "$(( $2 - $1 ))" | awk '{printf "%.1f", $1/1000}'; }
now() { date +%s%3N; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
t0=$(now); go install ./cmd/flowc; t1=$(now)
echo "go install ./cmd/flowc (cold GOCACHE): $(secs "$t0" "$t1") s"
cd "$tmp"
"$GOBIN/flowc" init --flowc-src "$root" first >/dev/null
cd first
t2=$(now); "$GOBIN/flowc" run . >"$tmp/run1.log" 2>&1; t3=$(now)
echo "first flowc run of a new flow after it: $(secs "$t2" "$t3") s ($(grep '^Built' "$tmp/run1.log"))"
echo "install + first run: $(secs "$t0" "$t3") s"
cd "$tmp"
"$GOBIN/flowc" init --flowc-src "$root" second >/dev/null
cd second
t4=$(now); "$GOBIN/flowc" run . >"$tmp/run2.log" 2>&1; t5=$(now)
echo "first flowc run of another new flow (warm GOCACHE): $(secs "$t4" "$t5") s ($(grep '^Built' "$tmp/run2.log"))"
t6=$(now); "$GOBIN/flowc" run . >"$tmp/run3.log" 2>&1; t7=$(now)
echo "second run of that flow (runner cached): $(secs "$t6" "$t7") s"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
