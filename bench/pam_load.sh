#!/bin/bash
# Block 2 of `make bench`: the module's load cost in a fresh process, against a stack of pam_permit alone.
#   bench/pam_load.sh BIN_DIR [RUNS]     (BIN_DIR holds the release libpam_sspr.so; RUNS per stack, default 200)
# Everything lives in a sandbox root under /tmp (module argument root=DIR, pam_start_confdir); the host's /etc and
# /etc/pam.d are never touched.
set -euo pipefail
BIN=$(cd "$1" && pwd)
RUNS=${2:-200}
REPO=$(cd "$(dirname "$0")/.." && pwd)
MODULE="$BIN/libpam_sspr.so"
[ -f "$MODULE" ] || { echo "pam_load.sh: $MODULE not built" >&2; exit 1; }

ROOT=$(mktemp -d /tmp/sspr-bench-pam-XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
chmod 0755 "$ROOT"
mkdir -p "$ROOT/etc/security" "$ROOT/pam.d"
cp "$REPO"/Tests/Fixtures/sandbox-etc/{passwd,group,shadow} "$ROOT/etc/"
chmod 0640 "$ROOT/etc/shadow"
cp "$REPO/config/sspr-questions.conf" "$ROOT/etc/security/"
# A policy file as installed (all defaults): read and parsed on every call, as in production.
printf '# sspr policy: defaults\n' > "$ROOT/etc/security/sspr.conf"
chmod 0644 "$ROOT/etc/security/sspr.conf"

# Neither service is in the policy's default services, so the module returns PAM_IGNORE right after the policy.
printf 'auth required pam_permit.so\n' > "$ROOT/pam.d/bench-permit"
printf 'auth [success=done default=ignore] %s root=%s\nauth required pam_permit.so\n' "$MODULE" "$ROOT" > "$ROOT/pam.d/bench-sspr"

gcc -O2 -Wall -o "$ROOT/pam_load" "$REPO/bench/pam_load.c" -lpam
"$ROOT/pam_load" "$ROOT/pam.d" "$RUNS" bench-permit bench-sspr
