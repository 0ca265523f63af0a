# Plinth's commands. Everything runs offline with only Go installed: tools are
# built from pinned modules (tools/) into Go's build cache.

GO      ?= go
LINT    := $(GO) tool -modfile=tools/lint/go.mod golangci-lint
PLINTH  := bin/plinth

.PHONY: all plan test snapshots lint fmt build deps-check clean

all: lint test plan

## plan: render every stack offline and print its resource tree
plan: build
	$(PLINTH) plan

## test: run the unit, conformance and snapshot tests
test:
	$(GO) test ./...

## snapshots: regenerate stacks/snapshots/*.json after an intended change
snapshots: build
	$(PLINTH) plan --write

## lint: golangci-lint (pinned in tools/lint), including the depguard rule
## that only platform/aks and platform/gke import cloud SDKs
lint:
	$(LINT) run ./...

## fmt: format the code with gofmt and goimports
fmt:
	$(LINT) fmt ./...

## build: build the plinth CLI into bin/
build:
	$(GO) build -o $(PLINTH) ./cmd/plinth

clean:
	rm -rf bin
