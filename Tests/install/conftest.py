"""Packaging tests: install into a DESTDIR, install and uninstall for real inside a private mount namespace
(overlays over /etc, /usr and /var, so nothing on the host changes), the .deb, the man pages and the demo.
Run as root through make test-install, which builds first (SSPR_DIST_BIN: the static-stdlib build that
make install ships; SSPR_BIN: the development build the demo uses)."""
import hashlib
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The namespace helpers the e2e and install suites share (scripts run in a namespace import them).
NS_ENV = {**os.environ, "PYTHONPATH": str(REPO / "Tests" / "support")}
DIST_BIN = Path(os.environ.get("SSPR_DIST_BIN") or (REPO / ".build" / "dist" / "release"))
DEV_BIN = Path(os.environ.get("SSPR_BIN") or (REPO / ".build" / "release"))
MULTIARCH = subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True).stdout.strip() or "x86_64-linux-gnu"
OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "

# Host paths that must be byte-identical before and after every test here.
HOST_WATCH = ["/etc/pam.d", "/usr/share/pam-configs", "/etc/shadow", "/etc/passwd", "/etc/group", "/etc/gshadow",
              "/var/lib/pam", "/etc/security", "/usr/bin/sspr", "/usr/sbin/ssprd",
              f"/usr/lib/{MULTIARCH}/security/pam_sspr.so", "/lib/systemd/system/ssprd.socket",
              "/usr/libexec/sspr", "/lib/systemd/system/sspr-reset.socket", "/lib/systemd/system/sspr-reset@.service",
              "/lib/systemd/system/ssprd.service", "/var/lib/sspr"]


def make(*args, env=None, check=True):
    r = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), *args], capture_output=True, text=True,
                       env={**os.environ, **(env or {})})
    if check and r.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


def snapshot(paths=HOST_WATCH):
    """Path -> digest of every file (and the mode and owner of every directory) under each path."""
    out = {}
    for top in paths:
        p = Path(top)
        if not p.exists() and not p.is_symlink():
            out[top] = None
            continue
        items = [p] + (sorted(p.rglob("*")) if p.is_dir() and not p.is_symlink() else [])
        for q in items:
            st = q.lstat()
            if q.is_symlink():
                out[str(q)] = ("link", os.readlink(q))
            elif q.is_file():
                out[str(q)] = (st.st_mode, st.st_uid, hashlib.sha256(q.read_bytes()).hexdigest())
            else:
                out[str(q)] = (st.st_mode, st.st_uid)
    return out


@pytest.fixture(scope="session", autouse=True)
def host_untouched():
    if os.geteuid() != 0:
        pytest.skip("the packaging tests need root (mount namespaces, root-owned files)")
    before = snapshot()
    yield
    assert snapshot() == before, "the host's PAM, account and install paths changed"


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    out = tmp_path_factory.mktemp("driver") / "pam_driver"
    subprocess.run(["gcc", "-O1", "-o", str(out), str(REPO / "Tests/pam/pam_driver.c"), "-lpam"], check=True)
    return out
