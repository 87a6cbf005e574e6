"""Inside a private namespace (see Tests/support/namespace_env.py): Debian's stock pwquality.conf (dictcheck on), a reset through the
real pamtester on a pseudo-terminal, with the real cracklib dictionary or with none at all.

  python3 ns_dictionary.py MODULE SSPR present|missing

missing: the namespace's /var/cache/cracklib is an empty tmpfs, as on a minimal install without Recommends.
Prints one JSON object (the last line) for the test to check."""
import io
import json
import os
import re
import sys

import pexpect

from namespace_env import OFFER, RESET_DONE, Namespace, done, sh

module, sspr, mode = sys.argv[1:4]
USER, OLD, NEW = "sspr-e2e-user", "Old-e2e-Pass-1", "New-e2e-Pass-2"
DICTIONARY_DIR = "/var/cache/cracklib"
# The namespace's /etc is a copy of the host's; the test checked that the host's file is the stock one.
stock = open("/etc/security/pwquality.conf").read()
ns = Namespace(module, sspr, policy="services = sspr-test\n", pwquality=stock)
if mode == "missing" and os.path.isdir(DICTIONARY_DIR):
    sh("mount", "-t", "tmpfs", "-o", "mode=0755", "e2e-no-cracklib", DICTIONARY_DIR)
res = {"etc_is_copy": ns.etc_is_copy, "pwquality": open("/etc/security/pwquality.conf").read() == stock,
       "dictionary": sorted(os.listdir(DICTIONARY_DIR)) if os.path.isdir(DICTIONARY_DIR) else None}
ns.user(USER, OLD)
codes = ns.codes(USER)
ns.stack("sspr-test")
check = ns.sspr("admin", "check", check=False)
res["check"] = [check.returncode, check.stdout.decode(errors="replace")]

log = io.StringIO()
child = pexpect.spawn("pamtester", ["sspr-test", USER, "authenticate"], encoding="utf-8", codec_errors="replace",
                      timeout=30, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "dumb", "LANG": "C"})
child.logfile_read = log
child.expect("Password: ")
child.sendline("not-my-password")
child.expect(re.escape(OFFER.rstrip()))
child.sendline("yes")
child.expect("Recovery code: ")
child.sendline(codes[0])
# A password the dictionary refuses (with the dictionary), a too short one, then a good one.
for attempt in (["sunshine99"] if mode == "present" else []) + ["Short-1", NEW]:
    child.expect("New password: ")
    child.sendline(attempt)
    child.expect("Retype new password: ")
    child.sendline(attempt)
child.expect(re.escape(RESET_DONE))
child.expect("successfully authenticated")
child.expect(pexpect.EOF)
child.close()
res["exit"] = child.exitstatus
res["transcript"] = log.getvalue()
res["new_works"] = ns.verify_password(USER, NEW)
res["syslog"] = [l for l in ns.syslog.lines if "dictionary" in l]
res["audit"] = [(a["event"], a["result"]) for a in ns.audit(USER)]
done(res, ns)
