# ftpsd — the front door. `make run` serves this directory read-only to
# anonymous users on 127.0.0.1:2121; `make test` runs the whole suite.

GO      ?= go
BIN     := bin/ftpsd
LISTEN  ?= 127.0.0.1:2121
ROOT    ?= .
FUZZTIME ?= 30s

.PHONY: all build run test install uninstall man test-deps unit alloc lint fuzz bench bench-deps bench-quick bench-micro bench-micro-quick bench-profile clean

all: build

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ftpsd
	$(GO) build -o bin/ftpsd-load ./cmd/ftpsd-load

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
	command -v wget >/dev/null || missing="$$missing wget"; \
	command -v systemd-analyze >/dev/null || missing="$$missing systemd"; \
	command -v tnftp >/dev/null || missing="$$missing tnftp"; \
	command -v fail2ban-regex >/dev/null || missing="$$missing fail2ban"; \
	command -v rclone >/dev/null || missing="$$missing rclone"; \
	command -v haproxy >/dev/null || missing="$$missing haproxy"; \
	command -v prometheus >/dev/null || missing="$$missing prometheus"; \
	/usr/bin/python3 -c 'import pyftpdlib, OpenSSL' 2>/dev/null || missing="$$missing python3-pyftpdlib python3-openssl"; \
	command -v testssl >/dev/null || command -v testssl.sh >/dev/null || missing="$$missing testssl.sh"; \
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
# scenario in 3 rounds, every TLS case under an RSA and an ECDSA
# certificate, with curl and lftp as bulk clients too (about 35 minutes on
# 2 cores), and rewrites BENCHMARKS.md's generated section and
# bench/results/. NOTE="..." adds a note to the report.
bench: bench-deps
	$(GO) run ./bench/cmd/ftpbench $(if $(NOTE),-note "$(NOTE)")

# One short round for development; writes under .bench/ only.
bench-quick: bench-deps
	$(GO) run ./bench/cmd/ftpbench -quick

# The bulk clients and the ceilings' openssl, installed with apt-get where
# missing (ftpbench installs the peers themselves).
bench-deps:
	@missing=""; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v lftp >/dev/null || missing="$$missing lftp"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Runs SCENARIO (idle|churn|bulk|clients|list|small; CASE narrows it, e.g.
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

# Installs like a system daemon: PREFIX (default /usr/local) and DESTDIR
# (a staging root for packagers) as usual. The configuration is installed
# only where none exists, never over an operator's. As root without
# DESTDIR it also creates the ftpsd system user and /srv/ftp.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc

install: build
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/ftpsd
	install -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/ftpsd
	install -m 0644 docs/ftpsd.8 $(DESTDIR)$(MANDIR)/man8/ftpsd.8
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' contrib/systemd/ftpsd.service > $(DESTDIR)$(UNITDIR)/ftpsd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ftpsd.service
	test -e $(DESTDIR)$(SYSCONFDIR)/ftpsd/ftpsd.conf || install -m 0644 examples/ftpsd.conf $(DESTDIR)$(SYSCONFDIR)/ftpsd/ftpsd.conf
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		id ftpsd >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /srv/ftp --shell /usr/sbin/nologin ftpsd; \
		install -d -m 0755 /srv/ftp; \
		command -v systemctl >/dev/null && systemctl daemon-reload 2>/dev/null || true; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ftpsd $(DESTDIR)$(MANDIR)/man8/ftpsd.8 $(DESTDIR)$(UNITDIR)/ftpsd.service

# docs/ftpsd.8 is generated from the flag and directive tables; a test
# (cmd/ftpsd) fails when it is stale.
man: build
	./$(BIN) -manpage > docs/ftpsd.8
