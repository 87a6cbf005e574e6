# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Inside a private namespace (see Tests/support/namespace_env.py): a throwaway account forgets its password, resets it through a
real front end on a pseudo-terminal (pexpect), then logs in with the new password through the real pam_unix.

  python3 ns_front_ends.py MODULE SSPR DRIVER FRONTEND      FRONTEND: login | su | sshd | pamtester | sudo | locker

locker: pamtester run as the user (setpriv), as a screen locker runs PAM: the module reaches the reset through
ssprd --reset-socket (as on a system without systemd), then pam_unix (unix_chkpwd) takes the new password.

Prints one JSON object (the last line) for the test to check."""
import io
import os
import re
import subprocess
import sys
import time

import pexpect

from namespace_env import NOT_AVAILABLE, OFFER, RESET_DONE, Namespace, done, sh, wait_for_port

module, sspr, driver, front = sys.argv[1:5]
USER, OLD, NEW = "sspr-e2e-user", "Old-e2e-Pass-1", "New-e2e-Pass-2"
SERVICES = "login,su,sshd,sspr-test,sudo,kde"
# sshd is a network login: offered only with allow_remote = yes (test_attacks checks it is not offered without).
REMOTE = "allow_remote = yes\n" if front == "sshd" else ""
ns = Namespace(module, sspr, policy=f"services = {SERVICES}\nhelpdesk = Call 555-0100\n{REMOTE}")
uid, gid = ns.user(USER, OLD)
codes = ns.codes(USER)
res = {"etc_is_copy": ns.etc_is_copy, "store": ns.store_mode(), "front": front}
for service in ("login", "su", "sshd", "sspr-test", "sudo", "kde"):
    ns.stack(service)
logs = {}


def spawn(cmd, args, name):
    child = pexpect.spawn(cmd, args, encoding="utf-8", codec_errors="replace", timeout=30,
                          env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "dumb", "LANG": "C"})
    logs[name] = io.StringIO()
    child.logfile_read = logs[name]
    return child


OFFER_RE = re.escape(OFFER.rstrip())
MARK = "echo E2E-$((40+2))-$(id -un)"
MARK_RE = "E2E-42-" + re.escape(USER)


def reset_dialogue(child, password_prompt="Password: ", final=True):
    """Wrong password, yes, a recovery code, the new password twice."""
    child.expect(password_prompt)
    child.sendline("not-my-password")
    child.expect(OFFER_RE)
    child.sendline("yes")
    child.expect("Recovery code: ")
    child.sendline(codes[0])
    child.expect("New password: ")
    child.sendline(NEW)
    child.expect("Retype new password: ")
    child.sendline(NEW)
    if final:
        child.expect(re.escape(RESET_DONE))


def ended(child, done):
    """Waits for `done` (the program's own word that it got in), then for the end: its exit status and signal."""
    child.expect(done)
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.signalstatus


def new_password_works(program, args, done):
    """A fresh run of `program` that answers "Password: " with the new password and gets to `done`."""
    child = spawn(program, args, "new")
    child.expect("Password: ")
    child.sendline(NEW)
    return ended(child, done)


def pamtester_reset_then_login(program, args):
    """pamtester (possibly under setpriv): a reset, then the new password through pam_unix."""
    child = spawn(program, args, "reset")
    reset_dialogue(child)
    res["reset_exit"] = ended(child, "successfully authenticated")
    res["new_exit"] = new_password_works(program, args, "successfully authenticated")


def shell_works(child):
    child.sendline(MARK)
    child.expect(MARK_RE)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.signalstatus


t0 = time.monotonic()
if front == "login":
    # login(1) from the login package (shadow), as root on a pty, asking the account's password.
    child = spawn("login", [USER], "reset")
    reset_dialogue(child)
    res["reset_exit"] = shell_works(child)
    child = spawn("login", [USER], "new")
    child.expect("Password: ")
    child.sendline(NEW)
    res["new_exit"] = shell_works(child)
    # The old password is refused; the offer is declined with Enter; login says "Login incorrect".
    child = spawn("login", [USER], "old")
    child.expect("Password: ")
    child.sendline(OLD)
    child.expect(OFFER_RE)
    child.sendline("")
    child.expect("Login incorrect")
    child.close(force=True)
    res["old_refused"] = True
elif front == "su":
    # su run by an unprivileged uid (nobody): it asks the target's password through the "su" service.
    prefix = ["--reuid=65534", "--regid=65534", "--clear-groups", "su", USER, "-c", MARK]
    child = spawn("setpriv", prefix, "reset")
    reset_dialogue(child)
    res["reset_exit"] = ended(child, MARK_RE)
    res["new_exit"] = new_password_works("setpriv", prefix, MARK_RE)
    child = spawn("setpriv", prefix, "old")
    child.expect("Password: ")
    child.sendline(OLD)
    child.expect(OFFER_RE)
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    res["old_exit"] = (child.exitstatus, child.signalstatus)
elif front == "sshd":
    port = 20000 + os.getpid() % 20000
    key = os.path.join(ns.work, "host_ed25519")
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
    conf = os.path.join(ns.work, "sshd_config")
    with open(conf, "w") as f:
        f.write(f"""ListenAddress 127.0.0.1
HostKey {key}
PidFile {ns.work}/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
AuthorizedKeysFile none
PermitRootLogin no
UseDNS no
StrictModes no
PrintMotd no
PrintLastLog no
""")
    sshd_log = open(os.path.join(ns.work, "sshd.log"), "w")
    sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", conf, "-p", str(port)], stdout=sshd_log,
                            stderr=subprocess.STDOUT)
    assert wait_for_port(port), "sshd did not listen"
    ssh = ["-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
           "-o", "PreferredAuthentications=keyboard-interactive", "-o", "PubkeyAuthentication=no",
           "-o", "LogLevel=ERROR", "-p", str(port), f"{USER}@127.0.0.1", MARK]
    child = spawn("ssh", ssh, "reset")
    reset_dialogue(child, final=False)
    res["reset_exit"] = ended(child, MARK_RE)
    res["new_exit"] = new_password_works("ssh", ssh, MARK_RE)
    sshd.terminate()
    sshd.wait(timeout=10)
    sshd_log.close()
    res["sshd_log"] = open(os.path.join(ns.work, "sshd.log")).read()[-3000:]
elif front == "pamtester":
    pamtester_reset_then_login("pamtester", ["sspr-test", USER, "authenticate"])
elif front == "locker":
    helper = module.split("helper=", 1)[1].split()[0]
    ssprd = subprocess.Popen([os.path.join(os.path.dirname(sspr), "ssprd"), "--reset-socket", "/run/sspr/reset.sock",
                              "--helper", helper], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists("/run/sspr/reset.sock"):
            break
        time.sleep(0.05)
    as_user = [f"--reuid={uid}", f"--regid={gid}", "--init-groups", "pamtester", "kde", USER, "authenticate"]
    pamtester_reset_then_login("setpriv", as_user)
    res["caller_uid_was"] = uid
    ssprd.terminate()
    ssprd.wait(timeout=20)
elif front == "sudo":
    # sudo -n (never prompt) with pam_sspr in its stack and "sudo" in services: fails at once, without a word
    # from the module and without hanging; the same for a PAM application with no conversation function.
    with open("/etc/sudoers.d/sspr-e2e", "w") as f:
        f.write(f"{USER} ALL=(ALL) ALL\n")
    os.chmod("/etc/sudoers.d/sspr-e2e", 0o440)
    runs = []
    for policy in (f"services = {SERVICES}\n", ""):
        ns.policy(policy)
        t = time.monotonic()
        r = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--init-groups", "sudo", "-n", "true"],
                           capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        runs.append({"rc": r.returncode, "seconds": round(time.monotonic() - t, 3),
                     "stdout": r.stdout.decode(errors="replace"), "stderr": r.stderr.decode(errors="replace")})
    ns.policy(f"services = {SERVICES}\n")
    res["sudo"] = runs
    # sudo with a terminal but -n: still no prompt, on a pty.
    child = spawn("setpriv", [f"--reuid={uid}", f"--regid={gid}", "--init-groups", "sudo", "-n", "true"], "sudo-pty")
    child.expect(pexpect.EOF)
    child.close()
    res["sudo_pty"] = {"exit": child.exitstatus, "text": logs["sudo-pty"].getvalue()}
    t = time.monotonic()
    r = subprocess.run([driver, "/etc/pam.d", "sspr-test", USER, "--no-conv"], capture_output=True, timeout=30)
    res["no_conv"] = {"stdout": r.stdout.decode(), "rc": r.returncode, "seconds": round(time.monotonic() - t, 3)}
    # The real password still works for sudo (with a prompt, through pam_unix).
    child = spawn("setpriv", [f"--reuid={uid}", f"--regid={gid}", "--init-groups", "sudo", "-S", "-p", "SUDO-PW:", "id", "-u"], "sudo-ok")
    child.expect("SUDO-PW:")
    child.sendline(OLD)
    child.expect(pexpect.EOF)
    child.close()
    res["sudo_ok"] = {"exit": child.exitstatus, "text": logs["sudo-ok"].getvalue()}

res["seconds"] = round(time.monotonic() - t0, 2)
res["new_works"] = ns.verify_password(USER, NEW)
res["old_works"] = ns.verify_password(USER, OLD)
res["audit"] = [(a["event"], a["method"], a["result"], a["service"], a["rhost"], a["tty"]) for a in ns.audit(USER)]
res["codes_left"] = len(codes)
res["transcripts"] = {k: v.getvalue() for k, v in logs.items()}
time.sleep(0.2)
res["syslog"] = list(ns.syslog.lines)
secrets = [OLD, NEW, codes[0], "not-my-password"]
res["secrets_in_syslog"] = sum(line.count(s) for line in res["syslog"] for s in secrets)
done(res, ns)
