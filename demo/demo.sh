#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
# make demo: a password reset you can try safely. Builds a sandbox root under /tmp with its own passwd, group and
# shadow holding one demo account, registers recovery methods for it, and runs one login through the real
# libpam with the stack of SPEC section 5. pam_unix checks the host's /etc/shadow, which does not know the demo
# account, so the password always fails and pam_sspr.so (with root=SANDBOX) offers the reset; everything it
# reads and writes is under the sandbox. The host's accounts are never touched.
#
#   demo/demo.sh BIN_DIR MODULE (BIN_DIR holds sspr-reset and sspr; MODULE is the built pam_sspr.so)
set -euo pipefail

BIN=${1:?usage: demo.sh BIN_DIR MODULE (run: sudo make demo)}
REPO=$(cd "$(dirname "$0")/.." && pwd)
MODULE=${2:?usage: demo.sh BIN_DIR MODULE (run: sudo make demo)}
HELPER="$BIN/sspr-reset"
SSPR="$BIN/sspr"

if [ "$(id -u)" != 0 ]; then
    echo "make demo needs root: the sandbox store must be root's, as the real one is (sudo make demo)." >&2
    exit 1
fi
for f in "$MODULE" "$HELPER" "$SSPR"; do [ -e "$f" ] || { echo "missing $f: run make first" >&2; exit 1; }; done

# The demo account must not exist on the host, so pam_unix can never accept it.
USER_NAME=demo
getent passwd "$USER_NAME" >/dev/null && USER_NAME=sspr-demo
if getent passwd "$USER_NAME" >/dev/null; then echo "accounts demo and sspr-demo both exist on this host" >&2; exit 1; fi
OLD_PASSWORD=Old-demo-pass-1

SB=$(mktemp -d /tmp/sspr-demo.XXXXXX)
chmod 0755 "$SB"
mkdir -p "$SB/etc/security" "$SB/pam.d"
install -d -m 0700 "$SB/var/lib/sspr"
printf 'root:x:0:0:root:/root:/bin/sh\n%s:x:61234:61234:sspr demo:/nonexistent:/bin/sh\n' "$USER_NAME" > "$SB/etc/passwd"
printf 'root:x:0:\n%s:x:61234:\n' "$USER_NAME" > "$SB/etc/group"
HASH=$(python3 -W ignore -c 'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_SHA512)))' "$OLD_PASSWORD")
printf 'root:*:20000:0:99999:7:::\n%s:%s:20000:0:99999:7:::\n' "$USER_NAME" "$HASH" > "$SB/etc/shadow"
chmod 0640 "$SB/etc/shadow"
cp "$REPO/config/sspr-questions.conf" "$SB/etc/security/sspr-questions.conf"
cat > "$SB/etc/security/sspr.conf" <<POLICY
# The demo's policy (see sspr.conf(5)): the defaults, plus a helpdesk line.
methods = totp,questions,recovery_code,tap
helpdesk = This is the sspr demo; the sandbox is $SB
POLICY
printf 'minlen = 10\ndictcheck = 0\n' > "$SB/etc/security/pwquality.conf"
cat > "$SB/pam.d/login" <<STACK
auth    [success=2 default=ignore]  pam_unix.so nullok
auth    [success=1 default=ignore]  $MODULE root=$SB helper=$HELPER
auth    requisite                   pam_deny.so
auth    required                    pam_permit.so
STACK

gcc -O1 -o "$SB/demo_login" "$REPO/demo/demo_login.c" -lpam -lpam_misc

sspr() { "$SSPR" --root "$SB" "$@"; }
TOTP=$(sspr admin enroll "$USER_NAME" totp | sed -n 's/.*(shown once): //p')
CODES=$(sspr admin enroll "$USER_NAME" recovery-codes | sed -n '2,$p')
printf 'first-pet: Rex\nfirst-car: Ford Fiesta\nfirst-teacher: Smith\n' | sspr admin enroll "$USER_NAME" questions --file - >/dev/null

bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true)
cat <<INTRO

${bold}sspr demo${plain}: sandbox $SB
Account "$USER_NAME" (only in the sandbox's etc/shadow; its password was $OLD_PASSWORD). Registered methods:
  - recovery codes (each works once):
$(echo "$CODES" | sed 's/^ */      /')
  - security questions: first pet "Rex", first car "Ford Fiesta", first teacher "Smith"
  - authenticator app, secret $TOTP$(command -v oathtool >/dev/null && echo "
      (a current code: oathtool --totp -b $TOTP)")

What happens next: a login prompt for "$USER_NAME" through the real libpam. Type any password: pam_unix
checks the host's /etc/shadow, which has no "$USER_NAME", so it fails and pam_sspr asks
"Forgot your password?". Type yes, choose a method, prove it, and set a new password (10 or more characters, not containing the account name).

Shadow line before: $(grep "^$USER_NAME:" "$SB/etc/shadow" | cut -c1-60)...

INTRO

rc=0
"$SB/demo_login" "$SB/pam.d" login "$USER_NAME" || rc=$?

echo
echo "Shadow line after:  $(grep "^$USER_NAME:" "$SB/etc/shadow" | cut -c1-60)..."
echo
echo "Audit trail (sspr --root $SB admin audit):"
sspr admin audit | sed 's/^/  /'
echo
echo "The sandbox stays for you to explore (sspr --root $SB admin report); remove it with: rm -rf $SB"
exit $rc
