# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
# sspr: build, test, benchmark and install.
#   make            release build: pam_sspr.so (C, gcc), sspr-reset, sspr, ssprd
#   make test       everything CI runs (installs Debian build/test dependencies first when run as root)
#   make bench      figures: engine with 100,000 users, module load cost, one reset split, 100k-line shadow rewrite,
#                   TOTP on the fleet store (PostgreSQL) and SQLite, one machine and four at once
#   make install    DESTDIR=… PREFIX=/usr; the module goes to the multiarch security directory as pam_sspr.so

SHELL := /bin/bash
# The toolchain is found without the caller's PATH: sudo's secure_path drops /opt/swift/usr/bin.
SWIFT_DIRS = /opt/swift/usr/bin /usr/share/swift/usr/bin /usr/local/swift/usr/bin /usr/libexec/swift/usr/bin
SWIFT_FOUND := $(or $(shell command -v swift 2>/dev/null),$(firstword $(wildcard $(addsuffix /swift,$(SWIFT_DIRS)))))
SWIFT ?= $(or $(SWIFT_FOUND),swift)
SWIFTC ?= $(or $(SWIFT_FOUND:%swift=%swiftc),swiftc)
CC ?= gcc
# Release builds carry the Swift runtime inside (the module always does): the programs then need no toolchain
# libraries at run time, and ssprd maps only what it uses (idle RSS 16 MB instead of 24). They are also what is
# installed and packaged, hence the hardening: full RELRO, immediate binding, _FORTIFY_SOURCE in the C parts.
# (One set of flags for tests and install: switching flags in one scratch path recompiles everything.)
RELEASE = -c release --static-swift-stdlib -Xlinker -z -Xlinker now -Xlinker -z -Xlinker relro -Xcc -D_FORTIFY_SOURCE=2
PREFIX ?= /usr
DESTDIR ?=
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
SECURITYDIR ?= $(PREFIX)/lib/$(MULTIARCH)/security
RELEASE_BIN = $(shell $(SWIFT) build $(RELEASE) --show-bin-path 2>/dev/null)

# pam_sspr.so is C (pam/module): libpam and libc only, the six pam_sm_* exported, full RELRO and BIND_NOW.
MODULE_DIR = .build/pam
MODULE = $(MODULE_DIR)/pam_sspr.so
MODULE_SRC = $(wildcard pam/module/*.c)
MODULE_CFLAGS = -O2 -g -fPIC -fvisibility=hidden -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
                -Wall -Wextra -Wformat=2 -Wshadow -Wconversion -Wno-sign-conversion -Werror
MODULE_LDFLAGS = -shared -Wl,--version-script=pam/pam_sspr.map -Wl,-z,now -Wl,-z,relro -Wl,-z,noexecstack \
                 -Wl,--as-needed -Wl,--no-undefined
DEBUG_BIN = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

# Debian packages the build and the tests need.
DEPS = libpam0g-dev libcrypt-dev libsqlite3-dev liboath-dev libpwquality-dev libqrencode-dev libunistring-dev \
       pkg-config oathtool pamtester sqlite3 valgrind python3 libpam-pwquality login passwd \
       util-linux binutils systemd python3-aiosmtpd msmtp scdoc dpkg-dev man-db zbar-tools python3-pil cracklib-runtime \
       gnome-keyring libpam-gnome-keyring ecryptfs-utils fscrypt libnss-wrapper dbus e2fsprogs gettext locales postfix \
       postgresql libpq-dev slapd ldap-utils libldap-dev openssl
# Packages whose installation enables a pam-auth-update profile of their own: the tests only need their
# programs, so make deps takes the profiles it just enabled out of this machine's login stack again.
PAM_PROFILE_PACKAGES = ecryptfs-utils:ecryptfs-utils libpam-gnome-keyring:gnome-keyring

.PHONY: all build deps test test-swift test-pam bench clean fuzz stress module toolchain

all: build

toolchain:
	@command -v "$(SWIFT)" >/dev/null 2>&1 || { echo "The Swift toolchain was not found (looked on PATH and in $(SWIFT_DIRS))."; \
	  echo "Install Swift 6 (https://www.swift.org/install/linux/) or run: make SWIFT=/path/to/usr/bin/swift ..."; exit 1; }

module: $(MODULE)

$(MODULE): $(MODULE_SRC) pam/module/sspr_module.h pam/pam_sspr.map
	@mkdir -p $(MODULE_DIR)
	$(CC) $(MODULE_CFLAGS) $(MODULE_LDFLAGS) -o $@ $(MODULE_SRC) -lpam

build: toolchain $(MODULE) po
	$(SWIFT) build $(RELEASE) --product sspr-reset
	$(SWIFT) build $(RELEASE) --product sspr
	$(SWIFT) build $(RELEASE) --product ssprd

deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing)); \
	    for pp in $(PAM_PROFILE_PACKAGES); do \
	      case " $$missing " in *" $${pp%%:*} "*) DEBIAN_FRONTEND=noninteractive pam-auth-update --package --remove $${pp##*:};; esac; \
	    done; \
	  else echo "missing Debian packages (run make deps as root): $$missing"; exit 1; fi; \
	fi
	@python3 -c 'import pytest' 2>/dev/null || python3 -m pip install -q pytest

test: $(if $(filter 0,$(shell id -u)),deps)
	$(SWIFT) build --build-tests
	$(MAKE) po-check
	$(MAKE) test-swift test-pam test-install e2e
	$(MAKE) fuzz FUZZ_SECONDS=20

# Twice: on the SQLite store, then on a throwaway PostgreSQL server (each sandbox gets its own database).
test-swift:
	$(SWIFT) test --skip-build
	python3 Tests/support/pg_cluster.py run -- $(SWIFT) test --skip-build

# The module through the real libpam (pam_start_confdir, private service dir, sandbox root).
test-pam-build: build

# The files whose tests read or write the store run a second time on a throwaway PostgreSQL server (each sandbox
# its own database): every store test on both engines. test_fleet.py is PostgreSQL's own (several machines).
PAM_STORE_TESTS = test_reset_flow test_proof_spending test_lab_admin test_outbox test_daemon test_admin_rules \
                  test_email_sms test_races test_lock_screen test_translations test_journal

test-pam: test-pam-build
	SSPR_BIN="$(RELEASE_BIN)" SSPR_MODULE="$(abspath $(MODULE))" python3 -m pytest -q -p no:cacheprovider Tests/pam
	SSPR_BIN="$(RELEASE_BIN)" SSPR_MODULE="$(abspath $(MODULE))" python3 Tests/support/pg_cluster.py run -- \
	  python3 -m pytest -q -p no:cacheprovider $(PAM_STORE_TESTS:%=Tests/pam/%.py)

# Figures, never pass/fail (bench/README.md). Runs as root; writes only under /tmp/sspr-bench-* (and block 6's
# throwaway PostgreSQL server under /tmp/sspr-pg-*).
BENCH_USERS ?= 100000
BENCH_PAM_RUNS ?= 200
# Block 6 (the fleet store) needs a PostgreSQL server: a throwaway one (Tests/support/pg_cluster.py, which exports
# SSPR_TEST_POSTGRES) runs for the whole bench when the server binaries are installed; without them block 6 is
# SQLite only.
BENCH_POSTGRES = $(if $(wildcard /usr/lib/postgresql/*/bin/pg_ctl),python3 Tests/support/pg_cluster.py run --)
bench: build
	$(SWIFT) build $(RELEASE) --product sspr-bench
	$(BENCH_POSTGRES) "$(RELEASE_BIN)/sspr-bench" --repo "$(CURDIR)" --users $(BENCH_USERS) --shadow-lines $(BENCH_USERS) \
	  --module-bench "$(CURDIR)/bench/pam_load.sh $(RELEASE_BIN) $(abspath $(MODULE)) $(BENCH_PAM_RUNS)"
	bench/daemon_bench.sh "$(RELEASE_BIN)" 10

clean:
	rm -rf .build

# libFuzzer on ssprd's message decoder (framer + varlink call decoder) and on sspr-reset's protocol decoder.
# FUZZ_SECONDS sets the run time of each.
FUZZ_SECONDS ?= 60
FUZZ_DIR = .build/fuzz
fuzz:
	mkdir -p $(FUZZ_DIR) $(FUZZ_DIR)/corpus
	$(SWIFTC) -O -sanitize=fuzzer,address -parse-as-library -module-name VarlinkFuzz \
	  Sources/SSPRVarlink/*.swift fuzz/VarlinkFuzz.swift -o $(FUZZ_DIR)/varlink-fuzz
	$(FUZZ_DIR)/varlink-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -dict=fuzz/varlink.dict \
	  -print_final_stats=1 $(FUZZ_DIR)/corpus fuzz/corpus/varlink
	mkdir -p $(FUZZ_DIR)/corpus-reset-protocol
	$(SWIFTC) -O -sanitize=fuzzer,address -parse-as-library -module-name ResetProtocolFuzz \
	  Sources/SSPRResetProtocol/*.swift fuzz/ResetProtocolFuzz.swift -o $(FUZZ_DIR)/reset-protocol-fuzz
	$(FUZZ_DIR)/reset-protocol-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=70000 -dict=fuzz/reset-protocol.dict \
	  -print_final_stats=1 $(FUZZ_DIR)/corpus-reset-protocol fuzz/corpus/reset-protocol

# The long attack and fault runs: 5x the kill -9 points (500 writes), the race loops and conversation faults.
STRESS_SCALE ?= 5
stress: test-pam-build
	SSPR_STRESS_SCALE=$(STRESS_SCALE) SSPR_BIN="$(RELEASE_BIN)" SSPR_MODULE="$(abspath $(MODULE))" python3 -m pytest -q -p no:cacheprovider \
	  Tests/pam/test_races.py Tests/pam/test_shadow_faults.py Tests/pam/test_conversation_faults.py

# --- install, package, man, demo (issue 7) ---
#   sudo make install    build-deps, a release build, files under DESTDIR/PREFIX; with DESTDIR empty also the
#                        sspr-admin group, /var/lib/sspr, pam-auth-update --enable sspr, ssprd.socket (systemd only)
#   sudo make uninstall  pam-auth-update --remove sspr first, then the files (edited config and a non-empty store stay)
#   make deb             sspr_$(VERSION)_<arch>.deb with dpkg-deb;  make deb-check: lintian on it
#   make man             roff pages from man/*.scd (scdoc) into .build/man
#   sudo make demo       a sandboxed reset through the real libpam; never touches the host's accounts
#   make test-install    Tests/install (DESTDIR install, install/uninstall in a mount namespace, man, demo)
# Install-only knobs: NO_BUILD=1 installs what is built already; ENABLE_PAM=no skips pam-auth-update.
VERSION := $(shell cat VERSION 2>/dev/null || echo 0)
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var
LIBEXECDIR ?= $(PREFIX)/libexec
HELPER_PATH = $(LIBEXECDIR)/sspr/sspr-reset
CATALOGDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/systemd/catalog,$(PREFIX)/lib/systemd/catalog)
STOREDIR ?= $(LOCALSTATEDIR)/lib/sspr
PAMCONFIGDIR ?= /usr/share/pam-configs
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
ENABLE_PAM ?= yes
ADMIN_GROUP = sspr-admin
# The directories libpam searches for a bare "pam_sspr.so"; anywhere else the profile names the full path.
PAM_DEFAULT_DIRS = /lib/$(MULTIARCH)/security /usr/lib/$(MULTIARCH)/security
PAM_MODULE_NAME = $(if $(filter $(SECURITYDIR),$(PAM_DEFAULT_DIRS)),pam_sspr.so,$(SECURITYDIR)/pam_sspr.so)
OWN = $(if $(filter 0,$(shell id -u)),-o root -g root)

# Installed binaries are the release build (RELEASE above: static Swift runtime, RELRO, _FORTIFY_SOURCE).
DIST_BIN = $(RELEASE_BIN)
BUILD_DEPS = libpam0g-dev libcrypt-dev libsqlite3-dev liboath-dev libpwquality-dev libqrencode-dev libunistring-dev \
             pkg-config scdoc gcc libc6-dev gettext
MANPAGES = .build/man/sspr.1 .build/man/ssprd.8 .build/man/pam_sspr.8 .build/man/sspr.conf.5
COMPLETIONS = .build/completions/sspr.bash .build/completions/_sspr .build/completions/sspr.fish

.PHONY: build-deps build-dist man completions install install-files uninstall deb deb-check demo test-install

all: man po

build-deps:
	@missing=$$(for p in $(BUILD_DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    (apt-get install -y --no-install-recommends $$missing || (apt-get update && apt-get install -y --no-install-recommends $$missing)); \
	  else echo "missing Debian packages (run as root, or apt-get install): $$missing"; exit 1; fi; \
	fi

build-dist: build

man: $(MANPAGES)

# Translations (po/, gettext text domain sspr). The .mo files go where a program of the build tree finds them
# (SSPRSystem's LocaleDirectory: share/locale of the installation an executable belongs to, .build/share/locale
# for .build/<triple>/release/*), and are installed into $(LOCALEDIR).
PO_LANGS = $(basename $(notdir $(wildcard po/*.po)))
LOCALE_BUILD = .build/share/locale
MO_FILES = $(PO_LANGS:%=$(LOCALE_BUILD)/%/LC_MESSAGES/sspr.mo)
LOCALEDIR ?= $(DATADIR)/locale
.PHONY: po po-check
po: $(MO_FILES)
$(LOCALE_BUILD)/%/LC_MESSAGES/sspr.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check --statistics -o $@ $<
# The template lists exactly the code's messages (the Swift tests check the same, and every translation).
po-check:
	po/extract.py --check
	@for f in po/*.po; do msgfmt --check -o /dev/null $$f || exit 1; done

.build/man/%: man/%.scd
	@mkdir -p .build/man
	@command -v scdoc >/dev/null || { echo "scdoc is missing: apt-get install scdoc (or make build-deps)"; exit 1; }
	scdoc < $< > $@

completions: $(if $(NO_BUILD),,build-dist) $(COMPLETIONS)

.build/completions/sspr.bash: $(DIST_BIN)/sspr
	@mkdir -p .build/completions
	"$<" --generate-completion-script bash | sed '1{/^#!/d}' > $@
.build/completions/_sspr: $(DIST_BIN)/sspr
	@mkdir -p .build/completions
	"$<" --generate-completion-script zsh > $@
.build/completions/sspr.fish: $(DIST_BIN)/sspr
	@mkdir -p .build/completions
	"$<" --generate-completion-script fish > $@

# Files only, under DESTDIR: what make install and make deb share. Never overwrites an existing config file.
install-files: man completions po
	@set -e; D="$(DESTDIR)"; \
	for d in "$(SECURITYDIR)" "$(BINDIR)" "$(SBINDIR)" "$(LIBEXECDIR)/sspr" "$(UNITDIR)" "$(CATALOGDIR)" "$(PAMCONFIGDIR)" "$(SYSCONFDIR)/security" \
	         "$(MANDIR)/man1" "$(MANDIR)/man5" "$(MANDIR)/man8" "$(BASHCOMPDIR)" "$(ZSHCOMPDIR)" "$(FISHCOMPDIR)"; do \
	  install -d -m 0755 $(OWN) "$$D$$d"; done; \
	install -d -m 0700 $(OWN) "$$D$(STOREDIR)"; chmod 0700 "$$D$(STOREDIR)"; \
	install -m 0644 $(OWN) -s --strip-program=$(CURDIR)/packaging/strip-binary "$(MODULE)" "$$D$(SECURITYDIR)/pam_sspr.so"; \
	install -m 0755 $(OWN) -s --strip-program=$(CURDIR)/packaging/strip-binary "$(DIST_BIN)/sspr-reset" "$$D$(HELPER_PATH)"; \
	install -m 0755 $(OWN) -s --strip-program=$(CURDIR)/packaging/strip-binary "$(DIST_BIN)/sspr" "$$D$(BINDIR)/sspr"; \
	install -m 0755 $(OWN) -s --strip-program=$(CURDIR)/packaging/strip-binary "$(DIST_BIN)/ssprd" "$$D$(SBINDIR)/ssprd"; \
	sed 's|/usr/libexec/sspr/sspr-reset|$(HELPER_PATH)|' systemd/sspr-reset@.service > .build/sspr-reset@.service; \
	install -m 0644 $(OWN) .build/sspr-reset@.service "$$D$(UNITDIR)/sspr-reset@.service"; \
	install -m 0644 $(OWN) systemd/sspr-reset.socket "$$D$(UNITDIR)/sspr-reset.socket"; \
	sed 's|/usr/bin/sspr|$(BINDIR)/sspr|' systemd/sspr-outbox.service > .build/sspr-outbox.service; \
	install -m 0644 $(OWN) .build/sspr-outbox.service "$$D$(UNITDIR)/sspr-outbox.service"; \
	install -m 0644 $(OWN) systemd/sspr-outbox.path "$$D$(UNITDIR)/sspr-outbox.path"; \
	install -m 0644 $(OWN) systemd/sspr-outbox.timer "$$D$(UNITDIR)/sspr-outbox.timer"; \
	install -m 0644 $(OWN) systemd/sspr.catalog "$$D$(CATALOGDIR)/sspr.catalog"; \
	sed 's|/usr/sbin/ssprd|$(SBINDIR)/ssprd|' systemd/ssprd.service > .build/ssprd.service; \
	install -m 0644 $(OWN) .build/ssprd.service "$$D$(UNITDIR)/ssprd.service"; \
	install -m 0644 $(OWN) systemd/ssprd.socket "$$D$(UNITDIR)/ssprd.socket"; \
	install -d -m 0755 $(OWN) "$$D$(DATADIR)/sspr"; \
	install -m 0644 $(OWN) systemd/ssprd-fleet-network.conf "$$D$(DATADIR)/sspr/ssprd-fleet-network.conf"; \
	sed -e 's|pam_sspr\.so|$(PAM_MODULE_NAME)|' \
	    -e '$(if $(filter /usr/libexec/sspr/sspr-reset,$(HELPER_PATH)),,s|$(PAM_MODULE_NAME)|& helper=$(HELPER_PATH)|)' \
	    pam/pam-configs/sspr > .build/pam-configs-sspr; \
	install -m 0644 $(OWN) .build/pam-configs-sspr "$$D$(PAMCONFIGDIR)/sspr"; \
	for f in sspr.conf sspr-questions.conf; do \
	  t="$$D$(SYSCONFDIR)/security/$$f"; \
	  if [ ! -e "$$t" ]; then install -m 0644 $(OWN) "config/$$f" "$$t"; \
	  elif ! cmp -s "config/$$f" "$$t"; then echo "kept your edited $$t (the shipped default is config/$$f)"; fi; \
	done; \
	for p in sspr.1:man1 sspr.conf.5:man5 ssprd.8:man8 pam_sspr.8:man8; do \
	  gzip -9n -c ".build/man/$${p%%:*}" > ".build/man/$${p%%:*}.gz"; \
	  install -m 0644 $(OWN) ".build/man/$${p%%:*}.gz" "$$D$(MANDIR)/$${p##*:}/$${p%%:*}.gz"; done; \
	install -m 0644 $(OWN) .build/completions/sspr.bash "$$D$(BASHCOMPDIR)/sspr"; \
	install -m 0644 $(OWN) .build/completions/_sspr "$$D$(ZSHCOMPDIR)/_sspr"; \
	install -m 0644 $(OWN) .build/completions/sspr.fish "$$D$(FISHCOMPDIR)/sspr.fish"; \
	for l in $(PO_LANGS); do install -d -m 0755 $(OWN) "$$D$(LOCALEDIR)/$$l/LC_MESSAGES"; \
	  install -m 0644 $(OWN) "$(LOCALE_BUILD)/$$l/LC_MESSAGES/sspr.mo" "$$D$(LOCALEDIR)/$$l/LC_MESSAGES/sspr.mo"; done

install: $(if $(NO_BUILD),,build-deps build-dist) install-files
	@set -e; \
	if [ -n "$(DESTDIR)" ]; then echo "DESTDIR is set: no group, no pam-auth-update, no systemctl."; exit 0; fi; \
	if ! getent group $(ADMIN_GROUP) >/dev/null; then groupadd --system $(ADMIN_GROUP); echo "created system group $(ADMIN_GROUP)"; fi; \
	chown root:root "$(STOREDIR)"; chmod 0700 "$(STOREDIR)"; \
	"$(BINDIR)/sspr" admin init; \
	if [ "$(ENABLE_PAM)" != yes ]; then echo "ENABLE_PAM=$(ENABLE_PAM): the profile is installed, not enabled (pam-auth-update --enable sspr)"; \
	elif [ "$(PAMCONFIGDIR)" != /usr/share/pam-configs ] || ! command -v pam-auth-update >/dev/null; then \
	  echo "no pam-auth-update for $(PAMCONFIGDIR): add pam_sspr.so to your auth stack by hand (pam_sspr(8))"; \
	else \
	  DEBIAN_FRONTEND=noninteractive pam-auth-update --package --enable sspr; \
	  if grep -qs 'pam_sspr\.so' $(SYSCONFDIR)/pam.d/common-auth; then echo "enabled the sspr profile in $(SYSCONFDIR)/pam.d/common-auth"; \
	  else echo "WARNING: pam-auth-update left $(SYSCONFDIR)/pam.d/common-auth without pam_sspr.so (locally modified?); see pam_sspr(8)"; fi; \
	fi; \
	if [ -d /run/systemd/system ]; then systemctl daemon-reload; systemctl enable --now ssprd.socket sspr-reset.socket sspr-outbox.path sspr-outbox.timer; \
	else echo "systemd is not running: ssprd.socket and sspr-reset.socket not enabled (run ssprd --reset-socket yourself: ssprd(8))"; fi

uninstall:
	@set -e; D="$(DESTDIR)"; \
	if [ -z "$$D" ]; then \
	  if [ -e "$(PAMCONFIGDIR)/sspr" ] && command -v pam-auth-update >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive pam-auth-update --package --remove sspr; fi; \
	  if [ -d /run/systemd/system ]; then systemctl disable --now ssprd.socket ssprd.service sspr-reset.socket sspr-outbox.path sspr-outbox.timer sspr-outbox.service || true; fi; \
	fi; \
	rm -f "$$D$(PAMCONFIGDIR)/sspr" "$$D$(UNITDIR)/ssprd.socket" "$$D$(UNITDIR)/ssprd.service" \
	      "$$D$(UNITDIR)/sspr-reset.socket" "$$D$(UNITDIR)/sspr-reset@.service" "$$D$(HELPER_PATH)" \
	      "$$D$(CATALOGDIR)/sspr.catalog" "$$D$(UNITDIR)/sspr-outbox.service" "$$D$(UNITDIR)/sspr-outbox.path" \
	      "$$D$(UNITDIR)/sspr-outbox.timer" "$$D$(DATADIR)/sspr/ssprd-fleet-network.conf" \
	      "$$D$(SECURITYDIR)/pam_sspr.so" "$$D$(BINDIR)/sspr" "$$D$(SBINDIR)/ssprd" \
	      "$$D$(MANDIR)/man1/sspr.1.gz" "$$D$(MANDIR)/man5/sspr.conf.5.gz" "$$D$(MANDIR)/man8/ssprd.8.gz" \
	      "$$D$(MANDIR)/man8/pam_sspr.8.gz" "$$D$(BASHCOMPDIR)/sspr" "$$D$(ZSHCOMPDIR)/_sspr" "$$D$(FISHCOMPDIR)/sspr.fish" \
	      $(PO_LANGS:%="$$D$(LOCALEDIR)/%/LC_MESSAGES/sspr.mo"); \
	for f in sspr.conf sspr-questions.conf; do t="$$D$(SYSCONFDIR)/security/$$f"; \
	  if cmp -s "config/$$f" "$$t"; then rm -f "$$t"; elif [ -e "$$t" ]; then echo "kept your edited $$t"; fi; done; \
	rmdir "$$D$(LIBEXECDIR)/sspr" "$$D$(DATADIR)/sspr" 2>/dev/null || true; \
	rmdir "$$D$(STOREDIR)" 2>/dev/null || { [ ! -e "$$D$(STOREDIR)" ] || echo "kept the store $$D$(STOREDIR) (registrations, audit): rm -r it to purge"; }; \
	if [ -z "$$D" ]; then \
	  if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	  if grep -ls 'pam_sspr\.so' $(SYSCONFDIR)/pam.d/* 2>/dev/null; then \
	    echo "WARNING: the files above still name pam_sspr.so (added by hand?): remove those lines"; fi; \
	  if getent group $(ADMIN_GROUP) >/dev/null; then echo "kept the group $(ADMIN_GROUP) (groupdel $(ADMIN_GROUP) to remove it)"; fi; \
	fi

DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DEB = sspr_$(VERSION)_$(DEB_ARCH).deb
DEB_WORK = .build/deb
DEB_ROOT = $(DEB_WORK)/root
DEB_COMPRESS ?= xz

# A binary package with dpkg-deb: the files of make install (PREFIX=/usr), maintainer scripts from
# packaging/debian, Depends from dpkg-shlibdeps on the three binaries.
deb: $(if $(NO_BUILD),,build-dist) man completions po
	rm -rf $(DEB_WORK)
	$(MAKE) --no-print-directory install-files NO_BUILD=1 DESTDIR="$(CURDIR)/$(DEB_ROOT)" PREFIX=/usr \
	  SECURITYDIR=/usr/lib/$(MULTIARCH)/security UNITDIR=/lib/systemd/system SYSCONFDIR=/etc LOCALSTATEDIR=/var
	@set -e; R="$(DEB_ROOT)"; \
	rmdir "$$R/var/lib/sspr" "$$R/var/lib" "$$R/var"; \
	install -d -m 0755 "$$R/DEBIAN" "$$R/usr/share/doc/sspr"; \
	install -m 0644 packaging/debian/copyright "$$R/usr/share/doc/sspr/copyright"; \
	sed -e 's/@VERSION@/$(VERSION)/' -e "s/@DATE@/$$(git log -1 --format=%aD 2>/dev/null || date -R)/" \
	  packaging/debian/changelog.in | gzip -9n > "$$R/usr/share/doc/sspr/changelog.gz"; \
	chmod 0644 "$$R/usr/share/doc/sspr/changelog.gz"; \
	for s in postinst prerm postrm; do install -m 0755 packaging/debian/$$s "$$R/DEBIAN/$$s"; done; \
	install -m 0644 packaging/debian/conffiles "$$R/DEBIAN/conffiles"; \
	mkdir -p $(DEB_WORK)/debian; printf 'Source: sspr\n\nPackage: sspr\nArchitecture: any\n' > $(DEB_WORK)/debian/control; \
	deps=$$(cd $(DEB_WORK) && dpkg-shlibdeps -O root/usr/bin/sspr root/usr/sbin/ssprd root/usr/libexec/sspr/sspr-reset \
	        root/usr/lib/$(MULTIARCH)/security/pam_sspr.so | sed -n 's/^shlibs:Depends=//p'); \
	test -n "$$deps"; \
	size=$$(du -k -s --exclude=DEBIAN "$$R" | cut -f1); \
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' -e "s/@SIZE@/$$size/" -e "s/@DEPENDS@/$$deps/" \
	  packaging/debian/control.in > "$$R/DEBIAN/control"; \
	(cd "$$R" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$$R/DEBIAN/md5sums"; \
	chmod 0644 "$$R/DEBIAN/md5sums"
	dpkg-deb --root-owner-group -Z$(DEB_COMPRESS) --build $(DEB_ROOT) $(DEB)
	@dpkg-deb --info $(DEB) | sed -n '/Depends/p'

deb-check: deb
	@command -v lintian >/dev/null || { echo "lintian is missing: apt-get install lintian"; exit 1; }
	lintian --info --display-info $(DEB) || true

# A safe trial for a newcomer (root: the sandbox store must be root's). See demo/demo.sh.
demo: $(if $(NO_BUILD),,build)
	@bash demo/demo.sh "$(RELEASE_BIN)" "$(abspath $(MODULE))"

# Packaging tests: DESTDIR file set, install/uninstall for real inside a mount namespace, the .deb, man pages, demo.
test-install: build-dist man completions build
	SSPR_BIN="$(RELEASE_BIN)" SSPR_MODULE="$(abspath $(MODULE))" SSPR_DIST_BIN="$(abspath $(DIST_BIN))" python3 -m pytest -q -p no:cacheprovider Tests/install

# --- e2e and attack matrix (issue 6) ---
# Real front ends (login, su, sshd keyboard-interactive, pamtester, sudo -n) on a pty in private mount + pid
# namespaces with throwaway accounts; the attack matrix (guessing, single use, enumeration, store hygiene,
# secrets in cores/logs/files). The host's files are compared before and after. Runs as root.
DEPS += openssh-server openssh-client sudo python3-pexpect gdb
E2E_PYTEST = SSPR_BIN="$(RELEASE_BIN)" SSPR_MODULE="$(abspath $(MODULE))" python3 -m pytest -q -p no:cacheprovider -s Tests/e2e
.PHONY: e2e stress-e2e fuzz-all
e2e: test-pam-build
	$(E2E_PYTEST)

# The long run: SSPR_STRESS_SCALE x the guessing rounds, single-use trials and PAM races; the issue's 1,000
# single-use trials per method: make stress-e2e SINGLE_USE_TRIALS=1000 (about 3 s per trial of 100 processes).
STRESS_E2E_SCALE ?= 10
SINGLE_USE_TRIALS ?=
stress-e2e: test-pam-build
	SSPR_STRESS_SCALE=$(STRESS_E2E_SCALE) SSPR_SINGLE_USE_TRIALS=$(SINGLE_USE_TRIALS) $(E2E_PYTEST)/test_attacks.py

# libFuzzer on the policy parser, shadow line handling and conversation replies (real SSPRCore sources, see
# fuzz/build_core_fuzz.sh), after the varlink target of `make fuzz`; each runs FUZZ_SECONDS.
fuzz-all: fuzz
	fuzz/build_core_fuzz.sh $(FUZZ_DIR) $(SWIFTC)
	for t in policy shadow reply; do \
	  mkdir -p $(FUZZ_DIR)/corpus-$$t && \
	  $(FUZZ_DIR)/$$t-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -dict=fuzz/$$t.dict -print_final_stats=1 \
	    $(FUZZ_DIR)/corpus-$$t fuzz/corpus/$$t || exit 1; \
	done
