#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
# Block 2 of `make bench`: what pam_sspr.so costs a PAM application in a fresh process, each stack against the
# same stack without it (paired, interleaved runs):
#   a. loaded but not reached: the password was right (every successful login);
#   b. the session hook for a registered user with nothing due (the cache rules the helper out);
#   c. reached: the helper is started and returns PAM_IGNORE at once (service not in the policy): the price of
#      starting the engine in its own process, paid only after a failed password.
#   bench/pam_load.sh BIN_DIR MODULE [RUNS]     (BIN_DIR holds sspr-reset and sspr; RUNS per stack, default 200)
# Everything lives in a sandbox root under /tmp (module argument root=DIR, pam_start_confdir); the host's /etc and
# /etc/pam.d are never touched.
set -euo pipefail
BIN=$(cd "$1" && pwd)
MODULE=$2
RUNS=${3:-200}
REPO=$(cd "$(dirname "$0")/.." && pwd)
for f in "$MODULE" "$BIN/sspr-reset" "$BIN/sspr"; do [ -f "$f" ] || { echo "pam_load.sh: $f not built" >&2; exit 1; }; done

ROOT=$(mktemp -d /tmp/sspr-bench-pam-XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
chmod 0755 "$ROOT"
mkdir -p "$ROOT/etc/security" "$ROOT/pam.d"
cp "$REPO"/Tests/Fixtures/sandbox-etc/{passwd,group,shadow} "$ROOT/etc/"
chmod 0640 "$ROOT/etc/shadow"
cp "$REPO/config/sspr-questions.conf" "$ROOT/etc/security/"
# A policy file as installed (all defaults).
printf '# sspr policy: defaults\n' > "$ROOT/etc/security/sspr.conf"
chmod 0644 "$ROOT/etc/security/sspr.conf"
# alice is registered (recovery codes), so the session hook has a registered user with nothing due.
"$BIN/sspr" --root "$ROOT" admin enroll alice recovery-codes >/dev/null
SSPR="$MODULE helper=$BIN/sspr-reset root=$ROOT"

stack() { printf '%s\n' "${@:2}" > "$ROOT/pam.d/$1"; }
# a. The password was right: pam_sspr is loaded with the stack and never called.
stack ok-base "auth sufficient pam_permit.so" "auth requisite pam_deny.so" "auth required pam_permit.so"
stack ok-sspr "auth sufficient pam_permit.so" "auth [success=1 default=ignore] $SSPR" "auth requisite pam_deny.so" \
              "auth required pam_permit.so"
# b. Session start for registered alice, nothing due.
stack se-base "session required pam_permit.so"
stack se-sspr "session optional $SSPR" "session required pam_permit.so"
# c. Reached (the password failed): the helper runs and stays out of the way (bench-* is not in services).
stack re-base "auth [success=1 default=ignore] pam_permit.so" "auth requisite pam_deny.so" "auth required pam_permit.so"
stack re-sspr "auth [success=1 default=ignore] $SSPR" "auth required pam_permit.so"

gcc -O2 -Wall -o "$ROOT/pam_load" "$REPO/bench/pam_load.c" -lpam
# The first session writes alice's due cache; every measured one finds it.
"$ROOT/pam_load" --child "$ROOT/pam.d" se-sspr session alice 0
test -f "$ROOT/var/lib/sspr/due/alice" || { echo "pam_load.sh: the session hook wrote no due cache" >&2; exit 1; }
"$ROOT/pam_load" "$ROOT/pam.d" "$RUNS" \
  "a. auth, password right: pam_sspr loaded, not reached (PAM_SUCCESS)" ok-base ok-sspr auth alice 0 "< 0.1 ms" \
  "b. session, registered user, nothing due (PAM_SUCCESS)" se-base se-sspr session alice 0 "< 0.1 ms" \
  "c. auth reached: helper started, returns PAM_IGNORE (PAM_SUCCESS via permit)" re-base re-sspr auth alice 0 "report"
