# Plinth's commands. Everything runs offline with only Go installed: tools are
# built from pinned modules (tools/) into Go's build cache.

GO      ?= go
LINT    := $(GO) tool -modfile=tools/lint/go.mod golangci-lint
PLINTH  := bin/plinth

# The Pulumi CLI the real-engine runs (Automation API) drive, built from the
# pinned module in tools/pulumi. Its version has one source, go.mod's
# requirement of github.com/pulumi/pulumi/sdk/v3, read here;
# tools/pulumi/go.mod's sdk/v3 and pkg/v3 and pulumicli.Version (the oldest
# CLI Plinth runs with) equal it (internal/pulumicli's TestVersionMatchesPins). The path names the version, so a build of another version
# is never picked up. Override with `make PULUMI=/path/to/pulumi` or
# PLINTH_PULUMI (the variable the Go code reads, see internal/pulumicli).
# Read only by the targets that use it (a recursive variable).
PULUMI_VERSION  = $(patsubst v%,%,$(shell $(GO) list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3))
PULUMI_BIN      = bin/pulumi-v$(PULUMI_VERSION)/pulumi
PULUMI         ?= $(or $(PLINTH_PULUMI),$(PULUMI_BIN))

.PHONY: all plan test fuzz snapshots lint fmt build deps-check clean tools integration cross kube-tools release-check

all: lint test plan

## plan: render every stack offline and print its resource tree
plan: build
	$(PLINTH) plan

## test: run the unit, conformance and snapshot tests, and the example
## projects in examples/ (a module of their own that imports Plinth from
## outside) under mocks
test:
	$(GO) test ./...
	$(GO) -C examples test ./...

## integration: run the stacks on the real Pulumi engine (Automation API),
## offline: state in a temporary file backend, providers served in-process
## by test doubles (internal/enginetest), except the Kubernetes objects,
## which the real Pulumi Kubernetes provider deploys into a real API server
## started on loopback for each stack (the Kubernetes lane, internal/kubelane;
## required here: PLINTH_REQUIRE_KUBE_LANE). Each of the six stacks and a
## team project's stack goes up, previews and refreshes clean, updates exactly
## what the offline diff predicts, proves its access model against the API
## server's authorizer and admission, and is destroyed (refused while
## protected); rollouts stop at the first failure; the CLI's engine commands
## run as a user runs them; and docs/getting-started.md's commands are run as
## written in a new directory, its program rendered under mocks with the
## configuration they set (internal/docstest).
integration: tools
	PLINTH_PULUMI=$(abspath $(PULUMI)) PLINTH_REQUIRE_KUBE_LANE=1 $(GO) test -tags integration -count=1 -timeout 40m \
		./internal/enginetest/ ./internal/kubelane/ ./internal/deploy/ ./cli/ ./internal/docstest/

## cross: build the OS-specific packages (the CLI, the engine runner, the
## Pulumi CLI lookup) for Windows, which CI does not run; Linux runs every
## test, and macOS shares its Unix code
cross:
	GOOS=windows GOARCH=amd64 $(GO) build ./cli/ ./internal/deploy/ ./internal/pulumicli/

## snapshots: regenerate stacks/snapshots/*.json after an intended change
snapshots: build
	$(PLINTH) plan --write

## fuzz: feed the environment loader and Validate (FuzzLoad) mutations of
## every YAML file of the repository for FUZZTIME: no input may panic or
## hang. CI runs it for 20 seconds; run longer locally, e.g. make fuzz
## FUZZTIME=10m. A failing input lands in environment/testdata/fuzz/ and
## is replayed by make test from then on.
FUZZTIME ?= 20s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzLoad -fuzztime=$(FUZZTIME) ./environment/

## lint: golangci-lint (pinned in tools/lint), including the depguard rule
## that only platform/aks and platform/gke import cloud SDKs
lint:
	$(LINT) run --build-tags=integration ./...

## fmt: format the code with gofmt and goimports
fmt:
	$(LINT) fmt ./...

## build: build the plinth CLI into bin/, without the debugger's tables
## (-s -w: 186 MB instead of 283 MB; panics still print their stacks)
build:
	$(GO) build -ldflags="-s -w" -o $(PLINTH) ./cmd/plinth

## tools: build what make integration runs: the Pulumi CLI into
## $(PULUMI_BIN), skipped when it is there and reports v$(PULUMI_VERSION), and
## the Kubernetes lane (kube-tools, a check of seconds once built). The first build of the CLI compiles it
## whole (about 4 min on 2 cores); Go's build cache keeps the compiled
## packages, so a rebuild after `make clean` is a relink of seconds. The
## version ldflag is required: without it the CLI reports no version and the
## Automation API refuses it. (`go install ...@v$(PULUMI_VERSION)` cannot be
## used: the module has replace directives.)
tools: kube-tools
	@test -n "$(PULUMI_VERSION)" || { echo "cannot read go.mod's github.com/pulumi/pulumi/sdk/v3 version (go list -m); run go mod download" >&2; exit 1; }
	@if PULUMI_SKIP_UPDATE_CHECK=true $(PULUMI_BIN) version 2>/dev/null | grep -qx 'v$(PULUMI_VERSION)'; then \
		echo "$(PULUMI_BIN) is v$(PULUMI_VERSION)"; \
	else \
		echo "building $(PULUMI_BIN) from tools/pulumi"; \
		rm -f $(PULUMI_BIN); \
		$(GO) build -C tools/pulumi -o ../../$(PULUMI_BIN) \
			-ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$(PULUMI_VERSION)" \
			github.com/pulumi/pulumi/pkg/v3/cmd/pulumi; \
	fi

## release-check: before tagging a release (docs/releasing.md): CHANGELOG.md's
## newest heading is the release being cut, platform.Version, with nothing left
## under [Unreleased]; and the API, compared by apidiff (pinned in
## tools/release) with the last release tag's, allows that version bump
## (incompatible changes need a new major version, or a new minor one while
## the major is 0; additions a new minor one). With no release tag yet it says
## so and compares nothing: the first release.
release-check:
	GO=$(GO) $(GO) run ./internal/release/releasecheck

## kube-tools: build the Kubernetes lane of the engine tests into bin/kube/
## (internal/kubelane, internal/enginetest): etcd, kube-apiserver and
## kube-controller-manager from the pinned modules in tools/kube, and the
## Pulumi Kubernetes provider from tools/kubeprovider (embedgen first writes
## the schema files its main embeds, which the module download lacks). The
## first build takes most of the 18 minutes a first make tools takes on 2 cores;
## after that Go's cache makes it a check of seconds (about 6 s).
KUBE_PROVIDER_VERSION = $(patsubst v%,%,$(shell $(GO) list -C tools/kubeprovider -m -f '{{.Version}}' github.com/pulumi/pulumi-kubernetes/provider/v4))
kube-tools:
	$(GO) build -C tools/kube -o ../../bin/kube/ ./etcd k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
	$(GO) run -C tools/kubecrds . -out ../../bin/kube/crds
	$(GO) run -C tools/kubeprovider ./embedgen -version $(KUBE_PROVIDER_VERSION) -out pulumi-resource-kubernetes
	$(GO) build -C tools/kubeprovider -o ../../bin/kube/ \
		-ldflags "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$(KUBE_PROVIDER_VERSION)" \
		./pulumi-resource-kubernetes

clean:
	rm -rf bin
