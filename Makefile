# flowc's build and test entry points. `make test` is what CI runs.
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all build test vet fmt-check demo golden bench fuzz clean argo-validate e2e-argo kube-up kube-down soak

all: build

build:
	$(GO) build -o bin/flowc ./cmd/flowc

# The whole suite: formatting, vet, then every test (golden files, bad-flow
# fixtures, testscript CLI scripts, fuzz seed corpora).
test: fmt-check vet argo-validate
	$(GO) test -count=1 -timeout 30m ./...

vet:
	$(GO) vet ./...
	$(GO) vet -tags flowc_local,flowc_nocards ./runtime/task

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# Argo's own validator (tools/argovalidate, a nested module pinning
# argo-workflows v4.0.5) on every golden Argo object, and on objects broken on
# purpose, which it must reject; its tests evaluate the expressions flowc emits
# with Argo's own template code, which the validator skips. The first build takes
# minutes.
ARGO_GOLDEN = golden/testdata/examples/*.argo backends/argo/testdata/*.argo.yaml
argo-validate:
	cd tools/argovalidate && $(GO) vet . && $(GO) test -count=1 . && $(GO) build -o ../../bin/argovalidate .
	./bin/argovalidate $(ARGO_GOLDEN)
	./bin/argovalidate -expect-fail tools/argovalidate/testdata/broken/*.yaml

# Flows on a real single-node Kubernetes with Argo's own workflow-controller,
# built here from source (tools/kube, tools/argo-e2e) with Debian's
# containerd: brings the cluster up or reuses it, runs internal/argoe2e,
# tears down what it started. E2E_FLOWS="DIR ..." runs those flow packages
# instead of the examples. Root only; see docs/testing.md.
e2e-argo:
	scripts/kube-e2e.sh

# Keep a cluster up while working (make e2e-argo then reuses it).
kube-up:
	scripts/kube-up.sh

kube-down:
	scripts/kube-down.sh

# The main job on the embedded defaults (local datastore in .flowc, no
# services): check the training example, run it, and read its result back.
demo: build
	./bin/flowc check ./examples/training
	./bin/flowc run ./examples/training
	./bin/flowc dump Training/$$(cat .flowc/Training/latest_run)/End/0

# Rewrite the golden files after an intended change of output.
golden:
	$(GO) test ./golden -update

bench:
	$(GO) test ./check -run '^$$' -bench . -benchmem

# The soak test in full: 20 runs of a 200-task flow, each killed with
# SIGKILL at a random moment and resumed (see docs/testing.md).
soak:
	FLOWC_SOAK_RUNS=20 $(GO) test ./runtime/exec -run '^TestSoak$$' -count=1 -v -timeout 2h

# Ten minutes for each fuzz target (see docs/testing.md).
fuzz:
	$(GO) test ./parser -run '^$$' -fuzz FuzzParseDirective -fuzztime 10m
	$(GO) test ./check -run '^$$' -fuzz FuzzLoadFiles -fuzztime 10m
	$(GO) test ./cmd/flowc -run '^$$' -fuzz FuzzParseConfig -fuzztime 10m
	$(GO) test ./runtime/datastore/s3store -run '^$$' -fuzz FuzzParseRoot -fuzztime 10m

clean:
	rm -rf bin
