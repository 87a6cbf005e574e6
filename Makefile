# sspr: build, test, benchmark and install.
#   make            release build of pam_sspr.so and sspr
#   make test       everything CI runs (installs Debian build/test dependencies first when run as root)
#   make bench      figures: engine with 100,000 users, module load cost, one reset split, 100k-line shadow rewrite
#   make install    DESTDIR=… PREFIX=/usr; the module goes to the multiarch security directory as pam_sspr.so

SHELL := /bin/bash
SWIFT ?= swift
SWIFTC ?= swiftc
PREFIX ?= /usr
DESTDIR ?=
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
SECURITYDIR ?= /usr/lib/$(MULTIARCH)/security
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path 2>/dev/null)
DEBUG_BIN = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

# Debian packages the build and the tests need.
DEPS = libpam0g-dev libcrypt-dev libsqlite3-dev liboath-dev libpwquality-dev libqrencode-dev libunistring-dev \
       pkg-config oathtool pamtester sqlite3 valgrind python3 libpam-pwquality login passwd \
       util-linux binutils systemd

.PHONY: all build deps test test-swift test-pam bench install uninstall clean fuzz stress

all: build

build:
	$(SWIFT) build -c release --product pam_sspr
	$(SWIFT) build -c release --product sspr
	$(SWIFT) build -c release --product ssprd

deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    (apt-get install -y --no-install-recommends $$missing || (apt-get update && apt-get install -y --no-install-recommends $$missing)); \
	  else echo "missing Debian packages (run make deps as root): $$missing"; exit 1; fi; \
	fi
	@python3 -c 'import pytest' 2>/dev/null || python3 -m pip install -q pytest

test: $(if $(filter 0,$(shell id -u)),deps)
	$(SWIFT) build --build-tests
	$(MAKE) test-swift test-pam
	$(MAKE) fuzz FUZZ_SECONDS=20

test-swift:
	$(SWIFT) test --skip-build

# The module through the real libpam (pam_start_confdir, private service dir, sandbox root).
test-pam-build:
	$(SWIFT) build -c release --product pam_sspr
	$(SWIFT) build -c release --product sspr
	$(SWIFT) build -c release --product ssprd

test-pam: test-pam-build
	SSPR_BIN="$(RELEASE_BIN)" python3 -m pytest -q -p no:cacheprovider tests/pam

# Figures, never pass/fail (bench/README.md). Runs as root; writes only under /tmp/sspr-bench-*.
BENCH_USERS ?= 100000
BENCH_PAM_RUNS ?= 200
bench:
	$(SWIFT) build -c release --product pam_sspr
	$(SWIFT) build -c release --product sspr-bench
	$(SWIFT) build -c release --product sspr
	$(SWIFT) build -c release --product ssprd
	"$(RELEASE_BIN)/sspr-bench" --repo "$(CURDIR)" --users $(BENCH_USERS) --shadow-lines $(BENCH_USERS) \
	  --module-bench "$(CURDIR)/bench/pam_load.sh $(RELEASE_BIN) $(BENCH_PAM_RUNS)"
	bench/daemon_bench.sh "$(RELEASE_BIN)" 10

install: build
	install -d -m 0755 "$(DESTDIR)$(SECURITYDIR)" "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)/etc/security"
	install -m 0644 "$(RELEASE_BIN)/libpam_sspr.so" "$(DESTDIR)$(SECURITYDIR)/pam_sspr.so"
	install -m 0755 "$(RELEASE_BIN)/sspr" "$(DESTDIR)$(PREFIX)/bin/sspr"
	test -e "$(DESTDIR)/etc/security/sspr.conf" || install -m 0644 config/sspr.conf "$(DESTDIR)/etc/security/sspr.conf"
	test -e "$(DESTDIR)/etc/security/sspr-questions.conf" || install -m 0644 config/sspr-questions.conf "$(DESTDIR)/etc/security/sspr-questions.conf"
	install -d -m 0700 "$(DESTDIR)/var/lib/sspr"

uninstall:
	rm -f "$(DESTDIR)$(SECURITYDIR)/pam_sspr.so" "$(DESTDIR)$(PREFIX)/bin/sspr"

clean:
	rm -rf .build

# libFuzzer on ssprd's message decoder (framer + varlink call decoder). FUZZ_SECONDS sets the run time.
FUZZ_SECONDS ?= 60
FUZZ_DIR = .build/fuzz
fuzz:
	mkdir -p $(FUZZ_DIR) $(FUZZ_DIR)/corpus
	$(SWIFTC) -O -sanitize=fuzzer,address -parse-as-library -module-name VarlinkFuzz \
	  Sources/SSPRVarlink/*.swift fuzz/VarlinkFuzz.swift -o $(FUZZ_DIR)/varlink-fuzz
	$(FUZZ_DIR)/varlink-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -dict=fuzz/varlink.dict \
	  -print_final_stats=1 $(FUZZ_DIR)/corpus fuzz/corpus/varlink

# The long attack and fault runs: 5x the kill -9 points (500 writes), the race loops and conversation faults.
STRESS_SCALE ?= 5
stress: test-pam-build
	SSPR_STRESS_SCALE=$(STRESS_SCALE) SSPR_BIN="$(RELEASE_BIN)" python3 -m pytest -q -p no:cacheprovider \
	  tests/pam/test_races.py tests/pam/test_shadow_faults.py tests/pam/test_conversation_faults.py

# --- e2e and attack matrix (issue 6) ---
# Real front ends (login, su, sshd keyboard-interactive, pamtester, sudo -n) on a pty in private mount + pid
# namespaces with throwaway accounts; the attack matrix (guessing, single use, enumeration, store hygiene,
# secrets in cores/logs/files). The host's files are compared before and after. Runs as root.
DEPS += openssh-server openssh-client sudo python3-pexpect gdb
E2E_PYTEST = SSPR_BIN="$(RELEASE_BIN)" python3 -m pytest -q -p no:cacheprovider -s tests/e2e
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
