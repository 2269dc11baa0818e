#!/usr/bin/env bash
# The cost of `flowc package` when nothing changed: TestPackage packages the
# hello example for linux/amd64 and linux/arm64 into an in-process registry
# (go-containerregistry's, over loopback HTTP), then packages it again and
# logs how long the second, unchanged, packaging took (flow load and check,
# runner cache lookup, cached layers, HEADs and the manifest PUT); it fails
# if that second packaging uploads any blob. Run it a few times: the first
# run of a fresh checkout also builds the runners.
set -euo pipefail
cd "$(dirname "$0")/.."
for i in $(seq "${COUNT:-5}"); do
	go test ./cmd/flowc -run '^TestPackage$' -count 1 -v | grep 'packaging unchanged code took'
done
