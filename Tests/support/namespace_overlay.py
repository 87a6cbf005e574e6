# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Helpers for scripts that run inside `unshare -m`: overlays over /etc, /usr and /var with a tmpfs upper layer
(every write lands in memory and vanishes with the namespace), commands, PAM stacks, and pam_driver runs on the
real /etc/pam.d."""
import os
import subprocess
import tempfile
import warnings

warnings.simplefilter("ignore")
import crypt  # noqa: E402


def overlay_system():
    work = tempfile.mkdtemp(prefix="sspr-install-ns-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0700", "sspr-install", work], check=True)
    for top in ("/etc", "/usr", "/var"):
        name = top.strip("/")
        upper, wk = f"{work}/{name}-upper", f"{work}/{name}-work"
        os.mkdir(upper)
        os.mkdir(wk)
        subprocess.run(["mount", "-t", "overlay", "overlay", "-o", f"lowerdir={top},upperdir={upper},workdir={wk}", top],
                       check=True)
    return open("/proc/self/mountinfo").read().count(" overlay overlay ") >= 3


def run(*argv, input=None, env=None):
    r = subprocess.run(list(argv), capture_output=True, text=True, input=input,
                       env=None if env is None else {**os.environ, **env})
    return {"rc": r.returncode, "out": r.stdout, "err": r.stderr}


def stack(path):
    try:
        return [l.split() for l in open(path) if l.strip() and not l.startswith("#")]
    except FileNotFoundError:
        return None


def mode(path):
    try:
        st = os.stat(path)
        return [oct(st.st_mode & 0o7777), st.st_uid, st.st_gid]
    except FileNotFoundError:
        return None


def make_user(user, password):
    """A throwaway account with a known password; permissive quality rules for the new one."""
    open("/etc/security/pwquality.conf", "w").write("minlen = 8\ndictcheck = 0\n")
    run("useradd", "-M", "-N", "-s", "/bin/sh", user)
    run("chpasswd", "-e", input=f"{user}:{crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))}\n")


def drive(driver, user, password_reply, answers=None, timeout=None):
    """pam_driver on the real /etc/pam.d, service login; answers prompts from a dict (prompt -> reply), "Password: "
    with `password_reply` unless the dict says otherwise (None: a conversation error). With `timeout`, a run that
    does not end in time is killed and reported with "error" instead of hanging the caller."""
    answers = dict(answers or {})
    answers.setdefault("Password: ", password_reply)
    p = subprocess.Popen([driver, "/etc/pam.d", "login", user], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    transcript, result = [], None
    try:
        for raw in p.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            if line.startswith("RESULT authenticate="):
                result = int(line.split("=")[1])
                continue
            style, _, text = line.partition("\t")
            transcript.append([style, text])
            if style.startswith("PROMPT"):
                reply = answers.get(text)
                p.stdin.write(("E\n" if reply is None else "R " + reply.encode().hex() + "\n").encode())
                p.stdin.flush()
        p.stdin.close()
        p.wait(timeout=timeout)
    except Exception as e:  # noqa: BLE001 - a hang is a finding, reported in the result
        if timeout is None:
            raise
        p.kill()
        return {"code": None, "error": repr(e), "transcript": transcript}
    return {"code": result, "transcript": transcript}


def reset(driver, user, offer, code, new):
    """A wrong password, then a reset with a recovery code; returns the run and the users whose shadow line changed."""
    before = open("/etc/shadow").read().split("\n")
    r = drive(driver, user, "not-my-password", {offer: "yes", "Recovery code: ": code,
                                                "New password: ": new, "Retype new password: ": new})
    after = open("/etc/shadow").read().split("\n")
    changed = sorted({a.split(":")[0] for a, b in zip(before, after) if a != b}) if len(before) == len(after) else ["<lines>"]
    return r, changed


def enroll_codes(sspr, user):
    out = run(sspr, "admin", "enroll", user, "recovery-codes")["out"]
    return [l.strip() for l in out.split("\n")[1:] if l.strip()]
