# vbo365_exporter: build, test, demo and benchmark targets.
# `make test` is what CI runs (see .ci/run).

GO        ?= go
PKG       := github.com/vbo365-exporter/vbo365_exporter
VERSION   ?= $(shell cat VERSION 2>/dev/null || echo 0.0.0)
REVISION  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
BRANCH    ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
BUILDDATE ?= $(shell date -u +%Y%m%d-%H:%M:%S)
VERSION_PKG := github.com/prometheus/common/version
LDFLAGS := -s -w \
	-X $(VERSION_PKG).Version=$(VERSION) \
	-X $(VERSION_PKG).Revision=$(REVISION) \
	-X $(VERSION_PKG).Branch=$(BRANCH) \
	-X $(VERSION_PKG).BuildUser=$(shell id -un 2>/dev/null || echo unknown)@$(shell hostname 2>/dev/null || echo unknown) \
	-X $(VERSION_PKG).BuildDate=$(BUILDDATE)
BUILD := CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)"

PLATFORMS := linux/amd64 linux/arm64 windows/amd64

FUZZTIME ?= 5m

.PHONY: all build test vet fmt-check lint unit crossbuild tools fuzz e2e demo bench bench-e2e fleetbench soak release clean

all: build test

## build: the exporter and the simulator, as static binaries
build:
	$(BUILD) -o vbo365_exporter .
	$(BUILD) -o vbo365-simulator ./cmd/vbo365-simulator

## test: what CI runs: vet, a gofmt check, the linters, cross-builds, the tools module, and every
## test with the race detector. Fuzz targets run over their seeds and testdata/fuzz only, so the
## result does not depend on what an earlier timed run left in the build cache.
test: vet fmt-check lint crossbuild tools unit

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## lint: staticcheck and golangci-lint (.golangci.yml) over the root module and the tools module,
## at pinned versions.
## Each is built once into TOOLBIN under a versioned name; a file that exists is not rebuilt.
GOLANGCI_LINT_VERSION := v2.15.0
STATICCHECK_VERSION   := v0.8.2
TOOLBIN ?= $(CURDIR)/bin
GOLANGCI_LINT := $(TOOLBIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
STATICCHECK   := $(TOOLBIN)/staticcheck-$(STATICCHECK_VERSION)

lint: $(STATICCHECK) $(GOLANGCI_LINT)
	$(STATICCHECK) ./...
	$(GOLANGCI_LINT) run ./...
	cd tools && $(STATICCHECK) ./...
	cd tools && $(GOLANGCI_LINT) run --config ../.golangci.yml ./...

$(GOLANGCI_LINT):
	GOBIN=$(TOOLBIN)/.install $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	mv $(TOOLBIN)/.install/golangci-lint $@

$(STATICCHECK):
	GOBIN=$(TOOLBIN)/.install $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(TOOLBIN)/.install/staticcheck $@

unit:
	$(GO) test -race -count=1 -timeout 15m ./...

## crossbuild: the release platforms compile and vet (Windows has its own service code)
crossbuild:
	GOOS=windows $(GO) vet ./...
	@for p in $(PLATFORMS); do \
		echo "go build $$p"; \
		GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 $(GO) build -o /dev/null . || exit 1; \
	done

## tools: the tools module (tools/go.mod: bench, fleetbench, soak) vets and builds, so that a
## change to the exporter's packages cannot break it unnoticed; its harness's tests run (1 s)
tools:
	cd tools && $(GO) vet ./... && $(GO) build ./... && $(GO) test -count=1 ./internal/...

## fuzz: a timed random search, FUZZTIME per target (not in CI; a finding lands in
## testdata/fuzz and fails the run: commit it with its fix, so `make test` replays it)
FUZZ_TARGETS := vboapi:FuzzDecodePage vboapi:FuzzFastPathAgrees vboapi:FuzzDecodeJobs vboapi:FuzzV6PlusLists \
	vboapi:FuzzTokenResponse vboapi:FuzzDecodeSyncState vboapi:FuzzRestoreLists config:FuzzLoad
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) ./$${t%%:*}/; \
	done

## soak: 10 minutes of scrapes every second with random faults against 20k mailboxes (not in CI)
soak: build
	cd tools && $(GO) run ./soak -exporter ../vbo365_exporter -duration 10m -interval 1s

## e2e: only the end-to-end tests in test/e2e (needs Debian's prometheus package for promtool and the server)
e2e:
	$(GO) test -race -count=1 -v ./test/e2e/

## demo: start the bundled simulator and the exporter, and print a line per job (DEMO_FULL=1: every series)
demo: build
	./scripts/demo.sh

## bench: decoder micro-benchmarks
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./vboapi/

## bench-e2e: the scale benchmark of BENCHMARKS.md on the built binaries (not in CI); its flags
## in BENCH_ARGS, e.g. make bench-e2e BENCH_ARGS='-api v8 -only v8-10k -runs 2'
bench-e2e: build
	cd tools && $(GO) run ./bench -exporter ../vbo365_exporter -simulator ../vbo365-simulator $(BENCH_ARGS)

## fleetbench: one exporter probing 200 simulated servers for 10 minutes (not in CI); flags in
## FLEETBENCH_ARGS
fleetbench: build
	cd tools && $(GO) run ./fleetbench -exporter ../vbo365_exporter $(FLEETBENCH_ARGS)

## release: static binaries for every platform in dist/, with version, revision and date, plus checksums
release:
	rm -rf dist && mkdir -p dist
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		dir=vbo365_exporter-$(VERSION).$$os-$$arch; mkdir -p dist/$$dir; \
		echo "building $$dir"; \
		GOOS=$$os GOARCH=$$arch $(BUILD) -o dist/$$dir/vbo365_exporter$$ext .; \
		cp LICENSE README.md config.yml dist/$$dir/; \
		tar -C dist -czf dist/$$dir.tar.gz $$dir; rm -rf dist/$$dir; \
	done
	cd dist && sha256sum *.tar.gz > sha256sums.txt && cat sha256sums.txt

clean:
	rm -rf vbo365_exporter vbo365-simulator dist
