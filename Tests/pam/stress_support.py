# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Helpers shared by the stress / fault tests (test_pam_unix, test_races, test_shadow_faults, test_valgrind,
test_conversation_faults). Nothing here touches the host's /etc: everything works on a sandbox root or inside
a private mount namespace."""
import json
import os
import select
import subprocess
import time
from pathlib import Path

import conftest
from conftest import MODULE, SSPR

crypt = conftest.crypt

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
NOT_AVAILABLE = "Password reset is not available for this account."
RESET_DONE = "Your password has been reset."

# Linux-PAM result codes (security/_pam_types.h).
PAM_SUCCESS = 0
PAM_SYSTEM_ERR = 4
PAM_PERM_DENIED = 6
PAM_AUTH_ERR = 7
PAM_AUTHINFO_UNAVAIL = 9
PAM_MAXTRIES = 11
PAM_CONV_ERR = 19
PAM_AUTHTOK_ERR = 20
PAM_AUTHTOK_LOCK_BUSY = 22
PAM_IGNORE = 25

# Scale factor for the long runs (`make stress` sets it); the default keeps the whole set under ~5 minutes.
SCALE = max(0.01, float(os.environ.get("SSPR_STRESS_SCALE", "1")))


def scaled(n):
    return max(1, int(round(n * SCALE)))


# ---------------------------------------------------------------------------------------------- shadow files

def shadow_lines(data):
    return data.split(b"\n")


def entry(data, user):
    """The fields of `user`'s line (as bytes), or None."""
    name = user.encode() if isinstance(user, str) else user
    for line in shadow_lines(data):
        fields = line.split(b":")
        if fields[0] == name and len(fields) > 1:
            return fields
    return None


def hash_of(data, user):
    fields = entry(data, user)
    return fields[1].decode() if fields else None


def verify(hash_, password):
    if not hash_ or hash_[0] in "!*":
        return False
    pw = password.decode("utf-8", "surrogateescape") if isinstance(password, bytes) else password
    return crypt.crypt(pw, hash_) == hash_


def parses(data):
    """True when every non-empty line is a comment, a NIS line, a line without ':' kept verbatim, or has at
    least the name and hash fields; no line is empty except the final terminator."""
    lines = shadow_lines(data)
    if lines and lines[-1] == b"":
        lines = lines[:-1]
    return all(line != b"" for line in lines)


def only_changed(before, after, users):
    """Asserts every line not belonging to `users` is byte-identical and in the same place; returns the
    changed lines' users."""
    a, b = shadow_lines(before), shadow_lines(after)
    assert len(a) == len(b), f"line count changed: {len(a)} -> {len(b)}"
    changed = set()
    names = {u.encode() for u in users}
    for x, y in zip(a, b):
        if x != y:
            name = x.split(b":")[0]
            assert name == y.split(b":")[0] and name in names, f"unexpected change: {x!r} -> {y!r}"
            changed.add(name.decode())
    return changed


def leftovers(etc):
    """Temporary or lock files a writer may leave in an etc directory."""
    etc = Path(etc)
    names = []
    for p in etc.iterdir():
        n = p.name
        if n in ("shadow+", "shadow-+", "shadow.lock", "passwd.lock", "group.lock", "gshadow.lock", "passwd+",
                 "group+", "gshadow+") or (n.startswith("shadow.") and n[7:].isdigit()):
            names.append(n)
    return sorted(names)


# ---------------------------------------------------------------------------------------------- PAM driver

def children_of(pid):
    """The pids whose parent is `pid`."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            pids.append(int(entry))
    return pids


class PamRun:
    """One pam_driver process that the test steps prompt by prompt (unlike Sandbox.pam, which runs to the end),
    so two runs can be brought to the same point and released together, or killed at a chosen moment.
    Strict by default: a prompt the script does not expect fails the test. `lenient=True` (the e2e attack
    runs, where many conversations race) answers such a prompt with a conversation error instead."""

    def __init__(self, driver, confdir, service, user, extra=(), env=None, prefix=(), lenient=False):
        self.proc = subprocess.Popen([*prefix, str(driver), str(confdir), service, user, *extra],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env)
        self.lenient = lenient
        self.transcript = []
        self.results = {}
        self._buf = b""
        self._ended = False

    def line(self, timeout=60):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            if self._ended:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no output from pam_driver; transcript {self.transcript}")
            r, _, _ = select.select([fd], [], [], left)
            if r:
                if not self._read():
                    return None
        line, _, self._buf = self._buf.partition(b"\n")
        return line.decode(errors="replace")

    def _read(self):
        """One read of what the driver wrote; False at its end."""
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        self._ended = not chunk
        self._buf += chunk
        return bool(chunk)

    def next_prompt(self, timeout=60):
        """Reads messages up to the next prompt; returns its text, or None when the run ended."""
        while True:
            line = self.line(timeout)
            if line is None:
                return None
            prompt = self._take(line)
            if prompt is not None:
                return prompt

    # What poll() returns for a run whose driver has ended.
    ENDED = object()

    def poll(self):
        """Never blocks: reads what the driver has written so far and returns the prompt now waiting for an
        answer, ENDED when the run is over, or None when neither yet (for many runs advanced together)."""
        fd = self.proc.stdout.fileno()
        if not self._ended and select.select([fd], [], [], 0)[0]:
            self._read()
        while b"\n" in self._buf:
            line, _, self._buf = self._buf.partition(b"\n")
            prompt = self._take(line.decode(errors="replace"))
            if prompt is not None:
                return prompt
        return PamRun.ENDED if self._ended else None

    def _take(self, line):
        """Records one driver line; returns the prompt's text when it is one."""
        if line.startswith("RESULT "):
            k, _, v = line[7:].partition("=")
            self.results[k] = int(v)
            return None
        style, _, text = line.partition("\t")
        self.transcript.append((style, text))
        return text if style.startswith("PROMPT") else None

    def reply(self, value):
        if isinstance(value, tuple):
            msg = f"L {value[1]} {value[2]:02x}" if value[0] == "L" else value[0]
        else:
            data = value.encode() if isinstance(value, str) else value
            msg = "R " + data.hex()
        self.proc.stdin.write((msg + "\n").encode())
        self.proc.stdin.flush()

    def answer(self, script, until=None):
        """Answers prompts from `script` (dict text->reply) until the prompt `until` is asked (left unanswered,
        returned) or the run ends (None)."""
        while True:
            text = self.next_prompt()
            if text is None or text == until:
                return text
            if text not in script and not self.lenient:
                raise AssertionError(f"unexpected prompt {text!r}; transcript {self.transcript}")
            value = script.get(text, ("E",))
            self.reply(value() if callable(value) else value)

    def finish(self, timeout=120):
        while self.next_prompt(timeout) is not None:
            if not self.lenient:
                raise AssertionError(f"unexpected prompt at the end; transcript {self.transcript}")
            self.reply(("E",))
        self.proc.stdin.close()
        self.proc.wait(timeout=timeout)
        for f in (self.proc.stdout, self.proc.stderr):
            f.close()
        return self.results

    def helper_pids(self):
        """The reset helpers this run's PAM application started. The module's child is not the helper: it starts
        the helper and waits for it, so that the host never sees a SIGCHLD of the module's; the helper is its
        child."""
        return [helper for waiter in children_of(self.proc.pid) for helper in children_of(waiter)]

    def kill_helper(self):
        """SIGKILL to the helper (as a crash or an OOM kill would): the host must survive it."""
        for pid in self.helper_pids():
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass

    def kill(self):
        self.kill_helper()
        self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass


def issue_pass(box, user, reusable=True, ttl="1h"):
    args = ["admin", "pass", user, "--ttl", ttl] + (["--reusable"] if reusable else [])
    out = box.sspr(*args).stdout.decode()
    return out.split(": ", 1)[1].split()[0]


def audit(box, user="alice"):
    return json.loads(box.sspr("admin", "audit", "--user", user, "--json").stdout)


def codes_left(box, user="alice"):
    report = json.loads(box.sspr("admin", "report", "--json").stdout)
    return next(r for r in report if r["user"] == user)["recovery_codes_left"]


def enrol_codes(box, user):
    out = box.sspr("admin", "enroll", user, "recovery-codes", "--replace").stdout.decode().split("\n")
    return [l.strip() for l in out[1:] if l.strip()]


FAULT_HELPER_C = r'''
/* Test only: the real sspr-reset under an LD_PRELOAD fault shim. The module gives its helper a clean
 * environment (a caller's LD_PRELOAD never reaches it), so the shim and its settings are compiled in. */
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    (void)argc;
    setenv("LD_PRELOAD", SHIM, 1);
    setenv("SHIM_FAIL", FAULT, 1);
    setenv("SHIM_MARK", MARK, 1);
    execv(HELPER, argv);
    return 127;
}
'''


def fault_helper(directory, shim, fault, mark):
    """Builds a root-owned helper wrapper that runs the real helper with `shim` preloaded; returns its path."""
    src, out = Path(directory) / "fault_helper.c", Path(directory) / "fault-helper"
    src.write_text(FAULT_HELPER_C)
    defs = [f'-D{k}="{v}"' for k, v in (("SHIM", shim), ("FAULT", fault), ("MARK", mark), ("HELPER", conftest.HELPER))]
    subprocess.run(["gcc", "-O1", *defs, "-o", str(out), str(src)], check=True)
    os.chmod(out, 0o755)
    return out


def required_stack(box, args=""):
    """`auth required pam_sspr.so`: the driver then sees the module's own return code."""
    box.stack(auth=[f"auth required {MODULE} root={box.root} {args}".strip()], session=False)


def reset_script(proof_prompt, proof, new):
    return {OFFER: "yes", proof_prompt: proof, "New password: ": new, "Retype new password: ": new}


# ---------------------------------------------------------------------------------------------- namespaces

def run_in_namespace(script, args=(), timeout=300):
    """Runs a Python script in a private mount namespace (`unshare -m`, private propagation): its mounts vanish
    with it. The script prints one JSON object on its last stdout line; that object is returned."""
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "python3", "-c", script, *map(str, args)],
                       capture_output=True, timeout=timeout)
    out = r.stdout.decode(errors="replace").strip().split("\n")
    if r.returncode != 0 or not out or not out[-1].startswith("{"):
        raise AssertionError(f"namespace script failed rc={r.returncode}\nstdout:{r.stdout.decode(errors='replace')}\n"
                             f"stderr:{r.stderr.decode(errors='replace')}")
    return json.loads(out[-1])


def sha512(password):
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))
