# Reach: code generation, lint and test pipeline (GNU make).
#
# Tools: the buf CLI is the release binary of its npm package, pinned in
# tools/npm/package-lock.json (compiling buf from source took minutes on a fresh
# machine), with the TypeScript client's generators; the protoc plugins and
# staticcheck are pinned in tools/go.mod and built into ./bin/; the Python
# client's protoc and runtime are Debian packages (scripts/debian-tools.sh).
# `make tools` installs all three; nothing is fetched from the Buf Schema
# Registry and no remote plugin is used. `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The targets regenerate gen/ and read it; never run them side by side.
.NOTPARALLEL:
.SUFFIXES:

GO          ?= go
BIN         := $(CURDIR)/bin
NPM_BIN     := $(CURDIR)/tools/npm/node_modules/.bin
BUF         := $(NPM_BIN)/buf
STATICCHECK := $(BIN)/staticcheck
CONSOLE_WEB  := console/web
CONSOLE_DEPS := $(CONSOLE_WEB)/node_modules/.console-deps
TOOLS       := protoc-gen-go protoc-gen-go-grpc protoc-gen-grpc-gateway protoc-gen-openapiv2 staticcheck
TOOL_BINS   := $(addprefix bin/,$(TOOLS))

# Databases the Go tests use (see the project's test helpers). Under CI=true
# the tests fail, rather than skip, when these cannot be reached.
export REACH_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export REACH_TEST_MYSQL    ?= mysql://root@127.0.0.1:3306/test

# Per package: cmd/reach runs real processes and crash tests for several minutes; a
# loaded machine can double that.
TEST_TIMEOUT ?= 20m
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
# promtool checks the alert rules (Debian: apt-get install --no-install-recommends prometheus).
PROMTOOL ?= promtool

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
tools: $(TOOL_BINS) $(BUF) $(CONSOLE_DEPS) debian-tools ## Install the npm tools (buf, TypeScript generators) and the console's, build the protoc plugins and staticcheck into bin/, apt-install protoc for Python and Chromium

# One `go build` for all of them; rebuilt only when tools/go.mod or go.sum change.
$(TOOL_BINS) &: tools/go.mod tools/go.sum
	@mkdir -p $(BIN)
	@echo "building the protoc plugins and staticcheck from tools/go.mod (a minute or two on a fresh machine)"
	GOWORK=off $(GO) -C tools build -buildvcs=false -o $(BIN)/ tool
	@touch $(TOOL_BINS)

# npm ci installs exactly the locked versions; reinstalled only when the lock changes.
$(BUF): tools/npm/package.json tools/npm/package-lock.json
	@echo "installing the npm tools (buf's prebuilt release binary, the TypeScript client's generators)"
	npm ci --prefix tools/npm --no-audit --no-fund --loglevel=error
	@touch $(BUF)

# The console's npm packages (Vite, Preact, playwright-core, axe), exactly as locked;
# reinstalled only when the lock changes.
$(CONSOLE_DEPS): $(CONSOLE_WEB)/package.json $(CONSOLE_WEB)/package-lock.json
	@echo "installing the console's npm packages (console/web)"
	npm ci --prefix $(CONSOLE_WEB) --no-audit --no-fund --loglevel=error
	@touch $(CONSOLE_DEPS)

# Debian's protoc 3.21, grpc_python_plugin and the Python runtime: installed when
# missing (apt-get, as root), otherwise the script says what to install and fails.
.PHONY: debian-tools
debian-tools:
	@./scripts/debian-tools.sh

# ---------------------------------------------------------------- code generation

# Swagger UI, which renders /docs: the files /docs needs, with its license and notices, are
# copied from its npm package (version pinned in tools/npm) into the Go tree and committed,
# so that `go build` needs no npm; `make generate` refreshes them like gen/.
SWAGGER_UI_SRC   := tools/npm/node_modules/swagger-ui-dist
SWAGGER_UI_DIR   := internal/apidoc/swaggerui
SWAGGER_UI_FILES := swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css LICENSE NOTICE

.PHONY: generate
generate: tools ## Format the protos (buf format -w), regenerate gen/ (Go, OpenAPI, TypeScript, Python) from scratch, copy Swagger UI for /docs
	@# gen/openapi keeps its hand-written openapi.go (it embeds the document).
	rm -rf gen/go gen/ts gen/python
	rm -f gen/openapi/*.swagger.json
	$(BUF) format -w
	$(BUF) generate
	$(BUF) generate --template buf.gen.python.yaml
	@# TypeScript types for the JSON gateway, from its OpenAPI document: openapi-typescript
	@# reads OpenAPI 3 only, so swagger2openapi converts the Swagger 2.0 one on the way.
	@mkdir -p gen/ts
	$(NPM_BIN)/swagger2openapi --fatal gen/openapi/reach.swagger.json | $(NPM_BIN)/openapi-typescript -o gen/ts/reach.d.ts
	rm -rf $(SWAGGER_UI_DIR)
	mkdir -p $(SWAGGER_UI_DIR)
	cp $(addprefix $(SWAGGER_UI_SRC)/,$(SWAGGER_UI_FILES)) $(SWAGGER_UI_DIR)/
	node -p 'require("./$(SWAGGER_UI_SRC)/package.json").version' > $(SWAGGER_UI_DIR)/VERSION

.PHONY: check-generated
check-generated: generate console ## Regenerate gen/ and rebuild the console; fail if gen/, the copied Swagger UI or console/dist then differ from git HEAD (changed or untracked files)
	@git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "check-generated: not a git work tree" >&2; exit 1; }
	@status="$$(git status --porcelain --untracked-files=all -- gen/ $(SWAGGER_UI_DIR) console/dist)"; \
	if [ -n "$$status" ]; then \
		echo "check-generated: gen/, $(SWAGGER_UI_DIR) or console/dist is not what make generate and make console make (or is not committed)." >&2; \
		echo "Run 'make generate console' and commit them. Changed files:" >&2; \
		echo "$$status" >&2; \
		git --no-pager diff --stat -- gen/ $(SWAGGER_UI_DIR) console/dist >&2 || true; \
		git --no-pager diff -- gen/ | head -n 400 >&2 || true; \
		exit 1; \
	fi
	@echo "check-generated: gen/, $(SWAGGER_UI_DIR) and console/dist are up to date"

# ---------------------------------------------------------------- console

.PHONY: console
console: $(CONSOLE_DEPS) ## Build the operator console (console/web → console/dist, committed and embedded in the binary): tsc, then vite build
	npm --prefix $(CONSOLE_WEB) run --silent build

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
test: lint check-generated ## lint, check-generated, go test -count=1 ./... (needs PostgreSQL and MariaDB, see REACH_TEST_*), then the README walk-through, the TypeScript and Python clients, the console's browser tests and check-ops
	@# The walk-through, the clients and check-ops run beside go test: its longest package
	@# (cmd/reach, minutes of real processes) leaves a core idle. Their output is printed
	@# after go test's, and either failing fails the target.
	@mkdir -p $(BIN)
	@echo "== go test: compiling and running every package (the first run on a machine downloads modules and compiles for a few minutes)"
	@echo "== meanwhile: the README walk-through, the TypeScript and Python clients, the console in Chromium, check-ops (output in bin/test-extra.log)"
	@( $(MAKE) --no-print-directory test-walkthrough test-clients test-console check-ops >$(BIN)/test-extra.log 2>&1; echo $$? >$(BIN)/test-extra.rc ) & \
	status=0; $(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(GOTESTFLAGS) ./... || status=$$?; \
	wait; \
	echo "== the README walk-through, the clients, the console and check-ops:"; cat $(BIN)/test-extra.log; \
	extra=$$(cat $(BIN)/test-extra.rc); \
	if [ "$$extra" != 0 ]; then echo "make test: the walk-through, the clients, the console or check-ops failed (exit $$extra)" >&2; fi; \
	[ "$$status" = 0 ] && [ "$$extra" = 0 ]

.PHONY: test-walkthrough
test-walkthrough: ## Run the README's walk-through blocks as written (simulator, make run, curl, grpcurl); needs ports 8080, 9090, 9999
	@echo "== README walk-through (scripts/walkthrough.sh)"
	./scripts/walkthrough.sh

.PHONY: test-go
test-go: ## Only go test -count=1 ./... (no lint, no regeneration)
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(GOTESTFLAGS) ./...

.PHONY: test-clients
test-clients: tools build ## The TypeScript (gen/ts) and Python (gen/python) clients' examples against reach serve and the Alipay simulator
	./scripts/test-clients.sh $(BIN)/reach

.PHONY: test-console
test-console: tools console build ## The operator console end to end: Playwright drives Debian's Chromium against reach serve and the Alipay simulator (axe checks, screenshots into bin/screenshots)
	./scripts/test-console.sh $(BIN)/reach

.PHONY: screenshots
screenshots: tools console build ## Refresh the README's console screenshots (docs/screenshots) with a run of the browser tests
	SCREENSHOTS=$(CURDIR)/docs/screenshots ./scripts/test-console.sh $(BIN)/reach

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

.PHONY: check-ops
check-ops: ## Check ops/: the dashboard and alert rules read only metrics Reach exports (Go test), promtool check config/rules and test rules (skipped without promtool, required under CI=true)
	$(GO) test -count=1 -run '^(TestOpsMetricsExist|TestMetricNames|TestRuleExprs)$$' ./cmd/reach
	@if ! command -v $(PROMTOOL) >/dev/null 2>&1; then \
		if [ "$${CI:-}" = "true" ]; then \
			echo "check-ops: $(PROMTOOL) not found; it is required when CI=true (Debian: apt-get install -y --no-install-recommends prometheus)" >&2; exit 1; \
		fi; \
		echo "check-ops: SKIPPED the promtool checks: $(PROMTOOL) not found (Debian: apt-get install -y --no-install-recommends prometheus; CI=true makes this a failure)"; \
		exit 0; \
	fi; \
	set -x; \
	$(PROMTOOL) check config ops/prometheus/prometheus.yml; \
	$(PROMTOOL) check rules ops/prometheus/alerts.yml; \
	$(PROMTOOL) test rules ops/prometheus/alerts_test.yml

.PHONY: fuzz
fuzz: ## Run every Fuzz* target for FUZZTIME each (default 10s; optional, not part of test)
	FUZZTIME='$(FUZZTIME)' GO='$(GO)' ./scripts/fuzz.sh

.PHONY: clean
clean: ## Delete bin/ (tools and binaries); gen/ is committed and kept
	rm -rf $(BIN)
