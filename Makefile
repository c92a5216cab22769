# ftpsd — the front door. `make run` serves this directory read-only to
# anonymous users on 127.0.0.1:2121; `make test` runs the whole suite.

GO      ?= go
BIN     := bin/ftpsd
LISTEN  ?= 127.0.0.1:2121
ROOT    ?= .
FUZZTIME ?= 30s

.PHONY: all build run test test-deps unit alloc lint fuzz bench bench-quick bench-micro bench-micro-quick bench-profile clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/ftpsd

run: build
	./$(BIN) -listen $(LISTEN) -root $(ROOT) -anonymous

# The integration tests drive real clients (and openssl s_client, the one
# client that asks to renegotiate); install the ones missing.
test-deps:
	@missing=""; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v lftp >/dev/null || missing="$$missing lftp"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v haproxy >/dev/null || missing="$$missing haproxy"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

test: test-deps
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...
	$(MAKE) --no-print-directory alloc

# Unit tests only, without the external clients.
unit:
	$(GO) test -race -count=1 -short ./...
	$(MAKE) --no-print-directory alloc

# The allocation tests (alloc_test.go) build only without -race, which
# allocates on its own, so the race-enabled passes above never run them;
# the packages are found by that file, the tests by "Alloc" in their names.
ALLOC_PKGS = $(patsubst %/,./%,$(sort $(dir $(wildcard */alloc_test.go */*/alloc_test.go))))
alloc:
	$(GO) test -count=1 -run 'Alloc' $(ALLOC_PKGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# Runs every fuzz target for FUZZTIME each.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

# ftpsd against vsftpd, ProFTPD, Pure-FTPd and pyftpdlib on loopback (see
# bench/doc.go): installs the peers under .bench/ (needs root), runs every
# scenario in 3 rounds (about 20 minutes), and rewrites BENCHMARKS.md's
# generated section and bench/results/. NOTE="..." adds a note to the report.
bench:
	$(GO) run ./bench/cmd/ftpbench $(if $(NOTE),-note "$(NOTE)")

# One short round for development; writes under .bench/ only.
bench-quick:
	$(GO) run ./bench/cmd/ftpbench -quick

# Runs SCENARIO (idle|churn|bulk|list|small; CASE narrows it, e.g.
# CASE="RETR PROT P x1") on ftpsd started with -profile KIND, and prints
# the pprof top.
SCENARIO ?= churn
KIND ?= cpu
bench-profile:
	$(GO) run ./bench/cmd/ftpbench -servers ftpsd -scenarios $(SCENARIO) -profile $(KIND) $(if $(CASE),-case "$(CASE)")

# The Go micro-benchmarks of the hot paths (BENCHMARKS.md, first part).
bench-micro:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./codec ./xfer ./tlsstate ./loop ./internal/ftplog

bench-micro-quick:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 -benchtime 200ms ./codec ./xfer ./tlsstate ./loop ./internal/ftplog

clean:
	rm -rf bin ftpsd-profile
