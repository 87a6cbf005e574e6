# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Host side of the end-to-end and attack tests: builds the PAM driver, runs namespace scripts, makes sandbox
roots (module argument root=DIR) and checks that the host's own files are never changed."""
import hashlib
import json
import os
import sys
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = REPO / "Tests" / "Fixtures"
DRIVER_SOURCE = REPO / "Tests" / "pam" / "pam_driver.c"
# The namespace helpers the e2e and install suites share.
SUPPORT = REPO / "Tests" / "support"

# One stepped-driver implementation for both suites (Tests/pam/stress_support.py).
sys.path.insert(0, str(REPO / "Tests" / "pam"))
from stress_support import PamRun as _SteppedRun  # noqa: E402
# The built programs, as the PAM suite names them (the module with helper= pointing at the build).
from conftest import BIN, HELPER, MODULE, MODULE_FILE, SSPR, set_password  # noqa: E402,F401

SSPRD = BIN / "ssprd"

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
NOT_AVAILABLE = "Password reset is not available for this account."
RESET_DONE = "Your password has been reset."
WRONG = "That was not right."

PAM_SUCCESS, PAM_AUTH_ERR, PAM_IGNORE = 0, 7, 25

# `make stress-e2e` sets SSPR_STRESS_SCALE (default 1: the short run `make e2e` does).
SCALE = max(0.01, float(os.environ.get("SSPR_STRESS_SCALE", "1")))


def scaled(n):
    return max(1, int(round(n * SCALE)))


# Host files a namespace test could conceivably touch; all must be byte-identical (or equally absent) after.
HOST_FILES = ["/etc/shadow", "/etc/shadow-", "/etc/passwd", "/etc/passwd-", "/etc/group", "/etc/gshadow",
              "/etc/pam.d/login", "/etc/pam.d/su", "/etc/pam.d/sshd", "/etc/pam.d/sudo", "/etc/pam.d/sspr-test",
              "/etc/security/sspr.conf", "/etc/security/opasswd", "/etc/sudoers", "/var/lib/sspr",
              "/var/lib/sspr/sspr.db", "/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog", "/run/utmp",
              "/dev/log", "/run/sshd"]


def host_state():
    state = {}
    for f in HOST_FILES:
        p = Path(f)
        if p.is_dir():
            state[f] = ("dir", sorted(os.listdir(p)))
        elif p.exists():
            state[f] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            state[f] = None
    state["/home"] = sorted(os.listdir("/home")) if os.path.isdir("/home") else None
    return state


def build_driver(dest):
    out = Path(dest) / "pam_driver"
    subprocess.run(["gcc", "-O1", "-o", str(out), str(DRIVER_SOURCE), "-lpam"], check=True)
    return out


def run_ns(script, *args, timeout=300):
    """Runs Tests/e2e/SCRIPT in private mount and pid namespaces (everything it starts dies with it); returns the
    JSON object on its last stdout line."""
    cmd = ["unshare", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private",
           "python3", str(HERE / script), *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=str(HERE),
                       env={**os.environ, "PYTHONPATH": str(SUPPORT)})
    out = r.stdout.decode(errors="replace").strip().split("\n")
    if r.returncode != 0 or not out or not out[-1].startswith("{"):
        raise AssertionError(f"{script} failed rc={r.returncode}\nstdout:{r.stdout.decode(errors='replace')[-6000:]}\n"
                             f"stderr:{r.stderr.decode(errors='replace')[-6000:]}")
    res = json.loads(out[-1])
    work = res.get("work", "")
    if work.startswith(tempfile.gettempdir() + "/sspr-e2e-ns-"):
        # The namespace (and every mount in it) is gone; --one-file-system guards against anything left.
        subprocess.run(["rm", "-rf", "--one-file-system", work])
    return res


class Sandbox:
    """A sandbox root (module argument root=DIR, sspr --root DIR) with the repository's fixture accounts and a
    private PAM service directory for pam_start_confdir."""

    def __init__(self, driver, policy=""):
        self.driver = driver
        self.root = Path(tempfile.mkdtemp(prefix="sspr-e2e-"))
        os.chmod(self.root, 0o755)
        (self.root / "etc/security").mkdir(parents=True)
        self.confdir = self.root / "pam.d"
        self.confdir.mkdir()
        for name in ("passwd", "group", "shadow"):
            shutil.copy(FIXTURES / "sandbox-etc" / name, self.root / "etc" / name)
        os.chmod(self.root / "etc/shadow", 0o640)
        shutil.copy(REPO / "config" / "sspr-questions.conf", self.root / "etc/security/sspr-questions.conf")
        (self.root / "etc/security/pwquality.conf").write_text("minlen = 8\ndictcheck = 0\n")
        for user in ("alice", "bob", "dave", "erin", "frank", "gina", "hank", "ivan", "judy"):
            set_password(self.root, user, "Old-password-1")
        self.policy(policy)

    def policy(self, text):
        (self.root / "etc/security/sspr.conf").write_text(text)

    def stack(self, service="login", args=""):
        module = f"{MODULE} root={self.root} {args}".strip()
        (self.confdir / service).write_text(f"auth required {module}\n")

    def sspr(self, *args, stdin=b"", check=True):
        r = subprocess.run([str(SSPR), *args, "--root", str(self.root)], input=stdin, capture_output=True)
        if check and r.returncode != 0:
            raise AssertionError(f"sspr {args} failed: {r.stderr.decode()}")
        return r

    def codes(self, user):
        out = self.sspr("admin", "enroll", user, "recovery-codes", "--replace").stdout.decode().split("\n")
        return [l.strip() for l in out[1:] if l.strip()]

    def audit(self, user=None):
        args = ["admin", "audit", "--json"] + (["--user", user] if user else [])
        return json.loads(self.sspr(*args).stdout or b"[]")

    def report(self):
        return {r["user"]: r for r in json.loads(self.sspr("admin", "report", "--json").stdout or b"[]")}

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


class PamRun(_SteppedRun):
    """The stepped pam_driver run of Tests/pam/stress_support.py, lenient: the attack runs race many
    conversations, and a prompt a script does not expect gets a conversation error instead of failing."""

    def __init__(self, driver, confdir, service, user, extra=()):
        super().__init__(driver, confdir, service, user, extra, lenient=True)


def run_pam(box, user, script, service="login", extra=()):
    r = PamRun(box.driver, box.confdir, service, user, extra)
    r.answer(script)
    results = r.finish()
    return r.transcript, results


def count_in(data, needles):
    """How many times each needle (bytes) occurs in data."""
    return {n.decode(errors="replace"): data.count(n) for n in needles}


# Fixtures, imported by the test modules (no conftest.py here: Tests/pam has one, and two conftest modules
# without packages would clash when both directories are collected in one pytest run).
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    return build_driver(tmp_path_factory.mktemp("driver"))


@pytest.fixture
def box(driver):
    b = Sandbox(driver)
    yield b
    b.cleanup()
