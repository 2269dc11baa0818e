#!/usr/bin/env bash
# Throughput of one large artifact (1 GiB; FLOWC_BENCH_MB=N for N MiB)
# written and read through the datastore on s3rver (in its own process on
# 127.0.0.1) and on the local datastore. Needs `npm ci --prefix tools/s3rver`.
# Figures: docs/PERFORMANCE.md, "The S3 datastore".
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./internal/s3test -run '^$' -bench BenchmarkArtifact -benchtime 1x -count "${COUNT:-3}" -timeout 60m
