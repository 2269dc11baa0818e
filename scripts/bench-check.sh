#!/usr/bin/env bash
# Times the real CLI, `flowc check DIR`, end to end (process wall time) on
# generated flows of 50, 1,000 and 10,000 steps, and prints the medians.
#
#   scripts/bench-check.sh [RUNS]
#
# RUNS (default 15, at least 10) timed runs per size, after 3 warm-up runs.
# Uses hyperfine when it is installed (apt-get install -y hyperfine), else a
# plain bash loop timed with date +%s%N. Environment: SIZES (default
# "50 1000 10000"), SEED (default 1), NO_HYPERFINE=1 forces the bash loop.
# The targets (docs/PERFORMANCE.md): 1,000 steps under 100 ms, and 10,000
# steps no more than 12 times the 1,000-step time.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-15}
if ((runs < 10)); then
	echo "bench-check: RUNS must be at least 10" >&2
	exit 2
fi
sizes=${SIZES:-50 1000 10000}
seed=${SEED:-1}
warmup=3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/flowc" ./cmd/flowc
go build -o "$tmp/flowgen" ./internal/flowgen/cmd/flowgen

tool=bash
if [[ -z ${NO_HYPERFINE:-} ]] && command -v hyperfine >/dev/null; then
	tool=hyperfine
fi

# median_bash DIR prints "median min max" in ms of RUNS timed runs.
median_bash() {
	local dir=$1 i t0 t1
	for ((i = 0; i < warmup; i++)); do "$tmp/flowc" check "$dir" >/dev/null; done
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		"$tmp/flowc" check "$dir" >/dev/null
		t1=$(date +%s%N)
		echo $((t1 - t0))
	done | sort -n | awk '{ v[NR] = $1 }
		END {
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.2f %.2f %.2f\n", m / 1e6, v[1] / 1e6, v[NR] / 1e6
		}'
}

# median_hyperfine DIR prints "median min max" in ms.
median_hyperfine() {
	local dir=$1 csv=$tmp/hyperfine.csv
	# hyperfine's notes (such as "the first run was slower") go to a file,
	# shown only when it fails.
	if ! hyperfine -N --style none --warmup "$warmup" --runs "$runs" --export-csv "$csv" \
		"$tmp/flowc check $dir" >/dev/null 2>"$tmp/hyperfine.err"; then
		cat "$tmp/hyperfine.err" >&2
		return 1
	fi
	# command,mean,stddev,median,user,system,min,max (seconds)
	awk -F, 'NR == 2 { printf "%.2f %.2f %.2f\n", $4 * 1e3, $7 * 1e3, $8 * 1e3 }' "$csv"
}

echo "flowc check, process wall time: median of $runs runs after $warmup warm-up runs ($tool)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(go version | cut -d' ' -f3)"
echo
printf '%8s  %9s  %9s  %9s  %8s\n' steps median_ms min_ms max_ms file_kB
declare -A med
for n in $sizes; do
	dir=$tmp/flow$n
	"$tmp/flowgen" -steps "$n" -seed "$seed" -o "$dir"
	"$tmp/flowc" check "$dir" >/dev/null # the flow must be valid
	read -r m lo hi < <("median_$tool" "$dir") || true
	if [[ -z ${m:-} ]]; then
		echo "bench-check: timing $n steps failed" >&2
		exit 1
	fi
	med[$n]=$m
	printf '%8s  %9s  %9s  %9s  %8s\n' "$n" "$m" "$lo" "$hi" $(($(stat -c %s "$dir/flow.go") / 1024))
done
echo

if [[ -n ${med[1000]:-} && -n ${med[10000]:-} ]]; then
	awk -v a="${med[1000]}" -v b="${med[10000]}" 'BEGIN {
		printf "1,000 steps: %.2f ms (target < 100 ms: %s)\n", a, (a < 100 ? "met" : "NOT met")
		printf "10,000 / 1,000 steps: %.2fx (target <= 12x: %s)\n", b / a, (b / a <= 12 ? "met" : "NOT met")
	}'
fi
