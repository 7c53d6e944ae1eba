# Reach: code generation, lint and test pipeline (GNU make).
#
# Tools: the buf CLI is the release binary of its npm package, pinned in
# tools/npm/package-lock.json (compiling buf from source took minutes on a fresh
# machine); the protoc plugins and staticcheck are pinned in tools/go.mod and
# built into ./bin/. `make tools` installs both; nothing is fetched from the Buf
# Schema Registry and no remote plugin is used. `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The targets regenerate gen/ and read it; never run them side by side.
.NOTPARALLEL:
.SUFFIXES:

GO          ?= go
BIN         := $(CURDIR)/bin
BUF         := $(CURDIR)/tools/npm/node_modules/.bin/buf
STATICCHECK := $(BIN)/staticcheck
TOOLS       := protoc-gen-go protoc-gen-go-grpc protoc-gen-grpc-gateway protoc-gen-openapiv2 staticcheck
TOOL_BINS   := $(addprefix bin/,$(TOOLS))

# Databases the Go tests use (see the project's test helpers). Under CI=true
# the tests fail, rather than skip, when these cannot be reached.
export REACH_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export REACH_TEST_MYSQL    ?= mysql://root@127.0.0.1:3306/test

TEST_TIMEOUT ?= 10m
# Extra flags for `go test`, e.g. GOTESTFLAGS=-race or GOTESTFLAGS='-run TestFoo'.
GOTESTFLAGS  ?=
# Extra flags for the benchmarks, e.g. BENCHFLAGS='-benchtime=2s -count=5'.
BENCHFLAGS   ?=
# How long each fuzz target runs under `make fuzz`.
FUZZTIME     ?= 10s
# What `buf breaking` compares proto/ with (only if that commit has protos).
BREAKING_AGAINST ?= HEAD~1
# Arguments for `make run`.
ARGS ?=

# Hand-written Go files: everything but generated code and build output.
GO_SRC = $(shell find . -type f -name '*.go' \
	-not -path './gen/*' -not -path './bin/*' -not -path './data/*' \
	-not -path './.git/*' -not -path '*/node_modules/*' -not -path '*/testdata/*')

.PHONY: help
help: ## List the targets (default)
	@echo "Usage: make TARGET [VAR=value ...]"
	@echo
	@awk 'BEGIN { FS = ":[^#]*## " } /^[a-zA-Z0-9_.-]+:[^#]*## / { printf "  %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: TEST_TIMEOUT=$(TEST_TIMEOUT) GOTESTFLAGS= BENCHFLAGS= FUZZTIME=$(FUZZTIME) BREAKING_AGAINST=$(BREAKING_AGAINST) ARGS="
	@echo "           REACH_TEST_POSTGRES=$(REACH_TEST_POSTGRES)"
	@echo "           REACH_TEST_MYSQL=$(REACH_TEST_MYSQL)"

# ---------------------------------------------------------------- tools

.PHONY: tools
tools: $(TOOL_BINS) $(BUF) ## Install buf (npm, prebuilt) and build the protoc plugins and staticcheck (tools/go.mod) into bin/

# One `go build` for all of them; rebuilt only when tools/go.mod or go.sum change.
$(TOOL_BINS) &: tools/go.mod tools/go.sum
	@mkdir -p $(BIN)
	@echo "building the protoc plugins and staticcheck from tools/go.mod (a minute or two on a fresh machine)"
	GOWORK=off $(GO) -C tools build -buildvcs=false -o $(BIN)/ tool
	@touch $(TOOL_BINS)

# npm ci installs exactly the locked versions; reinstalled only when the lock changes.
$(BUF): tools/npm/package.json tools/npm/package-lock.json
	@echo "installing buf from npm (prebuilt release binary)"
	npm ci --prefix tools/npm --no-audit --no-fund --loglevel=error
	@touch $(BUF)

# ---------------------------------------------------------------- code generation

# Swagger UI, which renders /docs: the files /docs needs, with its license and notices, are
# copied from its npm package (version pinned in tools/npm) into the Go tree and committed,
# so that `go build` needs no npm; `make generate` refreshes them like gen/.
SWAGGER_UI_SRC   := tools/npm/node_modules/swagger-ui-dist
SWAGGER_UI_DIR   := internal/apidoc/swaggerui
SWAGGER_UI_FILES := swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css LICENSE NOTICE

.PHONY: generate
generate: tools ## Format the protos (buf format -w), regenerate gen/go and gen/openapi from scratch, copy Swagger UI for /docs
	rm -rf gen/go
	rm -f gen/openapi/*.swagger.json
	$(BUF) format -w
	$(BUF) generate
	rm -rf $(SWAGGER_UI_DIR)
	mkdir -p $(SWAGGER_UI_DIR)
	cp $(addprefix $(SWAGGER_UI_SRC)/,$(SWAGGER_UI_FILES)) $(SWAGGER_UI_DIR)/
	node -p 'require("./$(SWAGGER_UI_SRC)/package.json").version' > $(SWAGGER_UI_DIR)/VERSION

.PHONY: check-generated
check-generated: generate ## Regenerate and fail if gen/ or the copied Swagger UI then differ from git HEAD (changed or untracked files)
	@git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "check-generated: not a git work tree" >&2; exit 1; }
	@status="$$(git status --porcelain --untracked-files=all -- gen/ $(SWAGGER_UI_DIR))"; \
	if [ -n "$$status" ]; then \
		echo "check-generated: gen/ or $(SWAGGER_UI_DIR) is not what make generate makes (or is not committed)." >&2; \
		echo "Run 'make generate' and commit them. Changed files:" >&2; \
		echo "$$status" >&2; \
		git --no-pager diff --stat -- gen/ $(SWAGGER_UI_DIR) >&2 || true; \
		git --no-pager diff -- gen/ | head -n 400 >&2 || true; \
		exit 1; \
	fi
	@echo "check-generated: gen/ and $(SWAGGER_UI_DIR) are up to date"

# ---------------------------------------------------------------- lint

.PHONY: lint
lint: lint-proto lint-go ## All linters: lint-proto and lint-go

.PHONY: lint-proto
lint-proto: tools ## buf lint, buf format -d --exit-code, buf breaking vs BREAKING_AGAINST (HEAD~1) if it has protos
	$(BUF) lint
	$(BUF) format -d --exit-code
	@if git rev-parse -q --verify '$(BREAKING_AGAINST)^{commit}' >/dev/null 2>&1 \
		&& git ls-tree -r --name-only '$(BREAKING_AGAINST)' -- proto | grep -q '\.proto$$'; then \
		echo "$(BUF) breaking --against '.git#ref=$(BREAKING_AGAINST),subdir=proto'"; \
		$(BUF) breaking --against '.git#ref=$(BREAKING_AGAINST),subdir=proto'; \
	else \
		echo "buf breaking: skipped ($(BREAKING_AGAINST) missing or has no protos)"; \
	fi

.PHONY: lint-go
lint-go: tools ## gofmt (non-generated files), go vet, staticcheck
	@echo "gofmt -l <non-generated Go files>"
	@files="$(GO_SRC)"; if [ -n "$$files" ]; then \
		unformatted="$$(gofmt -l $$files)"; \
		if [ -n "$$unformatted" ]; then echo "gofmt: these files need 'gofmt -w':" >&2; echo "$$unformatted" >&2; exit 1; fi; \
	fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

.PHONY: fmt
fmt: tools ## Rewrite Go files with gofmt -w and protos with buf format -w
	@files="$(GO_SRC)"; if [ -n "$$files" ]; then gofmt -w $$files; fi
	$(BUF) format -w

# ---------------------------------------------------------------- build, run, test

# The version `reach version`, /openapi.json and reach_build_info report for `make build`:
# the nearest tag (else the commit), "-dirty" when the work tree has changes.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)

.PHONY: build
build: ## Build the server binary into bin/reach, stamped with VERSION (git describe) and the commit
	$(GO) build -buildvcs=auto -ldflags '-X github.com/reachhq/reach/internal/buildinfo.version=$(VERSION)' -o $(BIN)/reach ./cmd/reach

.PHONY: run
run: ## Run the server: go run ./cmd/reach serve ARGS (SQLite by default, no setup needed)
	$(GO) run ./cmd/reach serve $(ARGS)

.PHONY: demo
demo: ## See Reach work: go run ./cmd/reach demo ARGS (in-process Alipay simulator; ARGS=--verbose, --keep DIR, --hold)
	$(GO) run ./cmd/reach demo $(ARGS)

.PHONY: test
test: lint check-generated ## lint, check-generated, then go test -count=1 ./... (needs PostgreSQL and MariaDB, see REACH_TEST_*)
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(GOTESTFLAGS) ./...

.PHONY: test-go
test-go: ## Only go test -count=1 ./... (no lint, no regeneration)
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(GOTESTFLAGS) ./...

.PHONY: bench
bench: ## Run the benchmarks only: go test -bench . -benchmem ./... (BENCHFLAGS for more)
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m $(BENCHFLAGS) ./...

.PHONY: bench-delivery
bench-delivery: ## Delivery figures: throughput vs the RSA signing ceiling, send→SENT latency, RSS with 1M queued (ARGS=-h for its flags)
	$(GO) run ./cmd/benchdelivery $(ARGS)

.PHONY: bench-broadcast
bench-broadcast: ## Broadcast figures: seconds to enqueue 1M Life Account followers and the peak RSS meanwhile; each database (ARGS=-h for its flags)
	$(GO) run ./cmd/benchbroadcast $(ARGS)

.PHONY: bench-ingest
bench-ingest: ## Ingest figures: SendMessage vs an empty call, CPU and commits per send, p99 at 1,000/s, batches; each database (ARGS=-h for its flags)
	$(GO) run ./cmd/benchingest $(ARGS)

.PHONY: fuzz
fuzz: ## Run every Fuzz* target for FUZZTIME each (default 10s; optional, not part of test)
	FUZZTIME='$(FUZZTIME)' GO='$(GO)' ./scripts/fuzz.sh

.PHONY: clean
clean: ## Delete bin/ (tools and binaries); gen/ is committed and kept
	rm -rf $(BIN)
