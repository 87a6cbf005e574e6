# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Inside a private namespace (see nsenv.py): Debian's postfix, configured here only (a copy of /etc, queue and
mailboxes on tmpfs, delivery to one mailbox file), and ssprd under its unit's restrictions emulated without
systemd: a network namespace of its own (PrivateNetwork=yes), every mount read-only but the unit's
ReadWritePaths=/var/lib/sspr (and /run/sspr, where systemd's socket would be: ssprd binds it itself here), and
no_new_privs (NoNewPrivileges=yes: postdrop's set-group-id bit does nothing). The unit's SystemCallFilter is not
emulated: the groups it removes hold nothing a sender needs; the paths and the network are what stop one.

A user registers an e-mail address over varlink. ssprd runs no sender (--outbox-trigger, as its unit says); a
watcher plays sspr-outbox.path and runs `sspr admin outbox --deliver` (sspr-outbox.service) outside the
restrictions, which sends through postfix's sendmail. The code must arrive in the mailbox; the same sendmail run
under ssprd's restrictions must fail (the reason for the design).

  python3 ns_restricted_ssprd_postfix.py MODULE SSPR SSPRD

Prints one JSON object (the last line) for the test to check."""
import json
import os
import re
import sys
import socket
import subprocess
import threading
import time

from namespace_env import Namespace, done, sh

module, sspr, ssprd = sys.argv[1:4]
USER = "sspr-mailer"
ns = Namespace(module, sspr, policy="methods = totp,questions,recovery_code,email\nmail_from = sspr@example.com\n"
               "host_label = e2e\n")
uid, _ = ns.user(USER, "Mailer-Pw-1")
res = {"etc_is_copy": ns.etc_is_copy}

# postfix: virtual delivery of everything for example.com into one mbox file, no SMTP listener, no chroot.
sh("cp", "/usr/share/postfix/master.cf.dist", "/etc/postfix/master.cf")
with open("/etc/postfix/main.cf", "w") as f:
    f.write("compatibility_level = 3.6\nmyhostname = e2e.example\nmydestination =\ninet_interfaces = loopback-only\n"
            "inet_protocols = ipv4\nalias_maps =\nalias_database =\nvirtual_mailbox_domains = example.com\n"
            "virtual_mailbox_base = /var/mail/vmail\nvirtual_mailbox_maps = static:inbox\n"
            "virtual_uid_maps = static:65534\nvirtual_gid_maps = static:65534\nvirtual_minimum_uid = 1\n")
sh("postconf", "-F", "*/*/chroot = n")
sh("postconf", "-MX", "smtp/inet")
for d in ("/var/spool/postfix", "/var/mail"):
    sh("mount", "-t", "tmpfs", "-o", "mode=0755", "e2e-" + d.strip("/").replace("/", "-"), d)
os.mkdir("/var/mail/vmail", 0o755)
os.chown("/var/mail/vmail", 65534, 65534)
sh("postfix", "post-install", "create-missing")
sh("postfix", "start")
MBOX = "/var/mail/vmail/inbox"


def mailbox():
    try:
        with open(MBOX, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_mail(count, timeout=30):
    for _ in range(timeout * 10):
        text = mailbox()
        if text.count("\nFrom ") + text.startswith("From ") >= count:
            return text
        time.sleep(0.1)
    return mailbox()


RESTRICT = """set -e
mount --bind /var/lib/sspr /var/lib/sspr
mount --bind /run/sspr /run/sspr
for mp in $(awk '{print $5}' /proc/self/mountinfo); do
  case "$mp" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|/var/lib/sspr|/run/sspr) continue;; esac
  mount -o remount,bind,ro "$mp" 2>/dev/null || true
done
exec setpriv --no-new-privs "$@"
"""


def restricted(*cmd):
    return ["unshare", "--mount", "--net", "--propagation", "private", "sh", "-c", RESTRICT, "sh", *map(str, cmd)]


os.makedirs("/run/sspr", 0o755, exist_ok=True)
# Sendmail as ssprd would run it under its unit: refused (no maildrop to write, postdrop's gid ignored).
probe = subprocess.run(restricted("/usr/sbin/sendmail", "-t", "-i"), input=b"To: probe@example.com\nSubject: probe\n\nx\n",
                       capture_output=True, timeout=60)
res["restricted_sendmail_rc"] = probe.returncode
# And as root outside (what sspr-outbox.service does): it works.
subprocess.run(["/usr/sbin/sendmail", "-t", "-i"], input=b"To: probe@example.com\nSubject: probe\n\nx\n", check=True)
res["open_sendmail_delivered"] = "Subject: probe" in wait_mail(1)

trigger = "/var/lib/sspr/outbox.trigger"
daemon = subprocess.Popen(restricted(ssprd, "--outbox-trigger", trigger), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
for _ in range(200):
    if os.path.exists("/run/sspr/ssprd.sock"):
        break
    time.sleep(0.05)

stopping = threading.Event()
runs = []


def path_unit():
    seen = None
    while not stopping.is_set():
        try:
            mtime = os.stat(trigger).st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if mtime is not None and mtime != seen:
            seen = mtime
            runs.append(subprocess.run([sspr, "admin", "outbox", "--deliver"], capture_output=True).returncode)
        time.sleep(0.05)


watcher = threading.Thread(target=path_unit, daemon=True)
watcher.start()


def call(varlink_method, **params):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(60)
    s.connect("/run/sspr/ssprd.sock")
    s.sendall(json.dumps({"method": "io.sspr.Registration." + varlink_method, "parameters": params}).encode() + b"\0")
    buf = b""
    while not buf.endswith(b"\0"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    s.close()
    return json.loads(buf[:-1]) if buf else {}


try:
    start = time.monotonic()
    res["begin"] = call("BeginContact", user=USER, method="email", destination="mailer@example.com")
    res["begin_seconds"] = round(time.monotonic() - start, 2)
    text = wait_mail(2)
    m = re.search(r"reset code for the account %s on e2e is:\s+(\d{6})" % USER, text)
    res["code_arrived"] = bool(m)
    if m:
        res["confirm"] = call("ConfirmContact", user=USER, method="email", code=m.group(1))
        res["notice_arrived"] = "A password reset method was added to your account %s" % USER in wait_mail(3)
    res["status"] = call("GetStatus", user=USER)
finally:
    daemon.terminate()
    res["ssprd_rc"] = daemon.wait(timeout=20)
    stopping.set()
    watcher.join()
    sh("postfix", "stop", check=False)
res["deliverer_runs"] = runs
res["ssprd_output"] = daemon.stdout.read().decode(errors="replace")[-2000:]
done(res, ns)
