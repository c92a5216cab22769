# ftpsd — the front door. `make run` serves this directory read-only to
# anonymous users on 127.0.0.1:2121; `make test` runs the whole suite.

GO      ?= go
BIN     := bin/ftpsd
LISTEN  ?= 127.0.0.1:2121
ROOT    ?= .
FUZZTIME ?= 30s

.PHONY: all build run test test-deps unit lint fuzz bench bench-quick clean

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
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

test: test-deps
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

# Unit tests only, without the external clients.
unit:
	$(GO) test -race -count=1 -short ./...

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

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./codec ./xfer ./tlsstate ./loop

bench-quick:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 -benchtime 200ms ./codec ./xfer ./tlsstate ./loop

clean:
	rm -rf bin ftpsd-profile
