"""Faults during the shadow write, through the real libpam and the real module: SIGKILL at random points,
a full file system (tmpfs in a private mount namespace), and EIO injected by an LD_PRELOAD shim. The oracle
each time: shadow is byte-identical to before, or (after a completed write) differs in exactly the user's
hash and last-change fields; no temporary file holding hashes is left behind (a SIGKILL is the one case a
process cannot clean up after itself: there the next writer must remove it)."""
import os
import random
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from stress_support import (OFFER, PAM_AUTHTOK_ERR, PAM_SUCCESS, PamRun, fault_helper, hash_of, issue_pass, leftovers,
                            only_changed, required_stack, run_in_namespace, scaled, verify)

PROOF = "Temporary access pass: "
RETYPE = "Retype new password: "
FAILED = ("ERROR", "Your password could not be changed. Nothing was changed; try again later.")
FILLER_HASH = "$6$fillersalt$" + "x" * 86


def add_accounts(box, count):
    """Appends `count` ordinary accounts, so the writer's copy, fsync and backup take long enough to be hit."""
    lines = "".join(f"load{i:06d}:{FILLER_HASH}:19000:0:99999:7:::\n" for i in range(count))
    data = box.shadow.read_bytes()
    box.shadow.write_bytes(data + (b"" if data.endswith(b"\n") else b"\n") + lines.encode())


def reset(box, tap, pw, env=None):
    r = PamRun(box.driver, box.confdir, "login", "alice", env=env)
    r.answer({OFFER: "yes", PROOF: tap, "New password: ": pw, RETYPE: pw})
    res = r.finish()
    assert r.proc.returncode == 0
    return res["authenticate"], r.transcript


def check_old_or_new(before, after, pw):
    """`after` is `before` exactly, or `before` with only alice's hash (for `pw`) and last-change changed."""
    if after == before:
        return "old"
    assert only_changed(before, after, ["alice"]) == {"alice"}
    old = next(l for l in before.split(b"\n") if l.startswith(b"alice:")).split(b":")
    new = next(l for l in after.split(b"\n") if l.startswith(b"alice:")).split(b":")
    assert new[0] == old[0] and new[3:] == old[3:]
    assert new[2] == str(int(time.time()) // 86400).encode()
    assert verify(new[1].decode(), pw), "a changed line holds the new password"
    return "new"


# ---------------------------------------------------------------------------------------------- (a) SIGKILL

def test_sigkill_at_random_points_of_the_write(sandbox):
    box = sandbox
    required_stack(box)
    add_accounts(box, 20_000)  # ~2 MB: writing, fsyncing and backing it up is a window worth aiming at
    tap = issue_pass(box, "alice", reusable=True)
    etc = box.root / "etc"
    rng = random.Random(int(os.environ.get("SSPR_STRESS_SEED", "1234")))

    def wait_for_lock(run, timeout):
        """Spins until shadow.lock names the run's reset helper (the writer has both locks and is about to write)."""
        lock = etc / "shadow.lock"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                holder = lock.read_bytes().strip()
            except FileNotFoundError:
                continue
            if holder and int(holder) in run.helper_pids():
                return True
        return False

    # Calibrate: from the last reply to the end of a complete reset, and from "shadow.lock is ours" to the end
    # (hashing and checking the new password with yescrypt takes most of the first).
    total, locked = [], []
    for i in range(3):
        pw = f"Calibrate-{i}-Pw9"
        r = PamRun(box.driver, box.confdir, "login", "alice")
        assert r.answer({OFFER: "yes", PROOF: tap, "New password: ": pw}, until=RETYPE) == RETYPE
        t0 = time.monotonic()
        r.reply(pw)
        assert wait_for_lock(r, 10)
        t1 = time.monotonic()
        assert r.finish()["authenticate"] == PAM_SUCCESS
        t2 = time.monotonic()
        total.append(t2 - t0)
        locked.append(t2 - t1)
    window, write_window = max(total), max(locked)

    kills = scaled(100)  # SSPR_STRESS_SCALE=5: the 500 of the long run
    outcomes = {"old": 0, "new": 0}
    stale = {"shadow+": 0, "shadow-+": 0, "shadow.lock": 0, "shadow.<pid>": 0}
    for n in range(kills):
        before = box.shadow.read_bytes()
        backup_before = (etc / "shadow-").read_bytes()
        pw = f"Killed-{n}-Pw9x"
        r = PamRun(box.driver, box.confdir, "login", "alice")
        assert r.answer({OFFER: "yes", PROOF: tap, "New password: ": pw}, until=RETYPE) == RETYPE
        r.reply(pw)
        if n % 3 == 0:
            # Anywhere from the last reply on (mostly before the write: hashing).
            time.sleep(rng.uniform(0, window * 1.1))
        else:
            # Aimed at the write itself: once the lock is ours, anywhere in the locked part.
            assert wait_for_lock(r, 10)
            time.sleep(rng.uniform(0, write_window * 1.1))
        # The writer is the reset helper: kill -9 it. The PAM application must survive and report no success
        # unless the helper finished first.
        r.kill_helper()
        code = r.finish()["authenticate"]
        assert r.proc.returncode == 0, "the host process survives its helper's death"
        after = box.shadow.read_bytes()
        if check_old_or_new(before, after, pw) == "old":
            assert code != PAM_SUCCESS
        outcomes[check_old_or_new(before, after, pw)] += 1
        # The backup is the previous file, or (killed after the backup's rename) the file just read.
        assert (etc / "shadow-").read_bytes() in (backup_before, before)
        st = os.stat(etc / "shadow")
        assert stat.S_IMODE(st.st_mode) == 0o640 and st.st_uid == 0
        for name in leftovers(etc):
            key = "shadow.<pid>" if name[7:].isdigit() else name
            stale[key] += 1
            if name in ("shadow+", "shadow-+"):
                # A SIGKILL between create and rename leaves the temp file: it must be readable by no one
                # who cannot read shadow itself while it waits for the next writer (0600 root until the
                # ownership step, then shadow's own owner, group and mode).
                s = os.stat(etc / name)
                assert (stat.S_IMODE(s.st_mode), s.st_uid, s.st_gid) in ((0o600, 0, 0), (0o640, st.st_uid, st.st_gid)), name
            if name == "shadow.lock":
                # Names a dead process: stale, and the next writer takes it over.
                pid = int((etc / name).read_bytes().strip() or b"0")
                assert pid and not Path(f"/proc/{pid}").exists()
        # Every killed attempt is followed by a clean, complete reset: it must succeed (stale locks are
        # taken over) and remove the temporary files a killed writer left.
        if n % 5 == 4 or n == kills - 1:
            before = box.shadow.read_bytes()
            ok = f"Clean-{n}-Pw9x"
            code, transcript = reset(box, tap, ok)
            assert code == PAM_SUCCESS, transcript
            assert check_old_or_new(before, box.shadow.read_bytes(), ok) == "new"
            left = [x for x in leftovers(etc) if x in ("shadow+", "shadow-+", "shadow.lock")]
            assert left == [], f"the next writer leaves no temp file or lock: {left}"
    print(f"\n{kills} kills (1/3 within {window * 1000:.0f} ms of the last reply, 2/3 within "
          f"{write_window * 1000:.0f} ms of taking the lock): shadow old {outcomes['old']}, "
          f"new {outcomes['new']}; left right after a kill: {stale}; helper files now: "
          f"{[x for x in leftovers(etc) if x[7:].isdigit()]}")
    assert outcomes["old"] + outcomes["new"] == kills
    assert outcomes["new"] > 0 and outcomes["old"] > 0, "the kills should land on both sides of the rename"
    # A `shadow.<pid>` helper is only ever removed by a process with that pid: a killed writer's helper stays
    # (it holds a pid, no hashes). Reported, not a failure.


# ---------------------------------------------------------------------------------------------- (b) full disk

NS_FULL = r'''
import json, os, shutil, subprocess, sys
root, driver, confdir, replies, keep = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
etc = os.path.join(root, "etc"); saved = os.path.join(root, "etc.saved"); out = os.path.join(root, "out")
shutil.copytree(etc, saved, symlinks=True)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "sspr-full", etc], check=True)
for name in os.listdir(saved):
    s, d = os.path.join(saved, name), os.path.join(etc, name)
    (shutil.copytree if os.path.isdir(s) else shutil.copy2)(s, d)
open(os.path.join(etc, ".pwd.lock"), "a").close()
# Fill: write until ENOSPC, then give back `keep` bytes.
filler = os.path.join(etc, "filler")
fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
try:
    while True:
        os.write(fd, b"\0" * 4096)
except OSError:
    pass
size = os.fstat(fd).st_size
os.ftruncate(fd, max(0, size - keep))
os.close(fd)
free = os.statvfs(etc).f_bavail * os.statvfs(etc).f_frsize
before = open(os.path.join(etc, "shadow"), "rb").read()
r = subprocess.run([driver, confdir, "login", "alice"], stdin=open(replies, "rb"), capture_output=True)
after = open(os.path.join(etc, "shadow"), "rb").read()
listing = sorted(os.listdir(etc))
shutil.copytree(etc, out, symlinks=True)
print(json.dumps({"rc": r.returncode, "stdout": r.stdout.decode(errors="replace"), "free": free,
                  "same": before == after, "listing": listing}))
'''


@pytest.mark.parametrize("keep", [0, 8192], ids=["no_space_at_all", "room_for_the_lock_not_the_file"])
def test_full_file_system(sandbox, keep):
    box = sandbox
    required_stack(box)
    add_accounts(box, 200)  # ~25 KB, more than the room left
    tap = issue_pass(box, "alice", reusable=True)
    before = box.shadow.read_bytes()
    pw = "Full-disk-Pw9x"
    replies = box.root / "replies"
    replies.write_text("".join("R " + s.encode().hex() + "\n" for s in ("yes", tap, pw, pw)))
    # keep=0: even the shadow.lock helper (<file>.<pid>) cannot be written; keep=8192: the locks are taken and
    # writing shadow+ hits ENOSPC (both paths checked with strace when the test was written).
    res = run_in_namespace(NS_FULL, [box.root, box.driver, box.confdir, replies, keep])
    assert res["rc"] == 0
    lines = res["stdout"].strip().split("\n")
    assert lines[-1] == f"RESULT authenticate={PAM_AUTHTOK_ERR}", lines
    assert "ERROR\t" + FAILED[1] in lines
    assert res["free"] <= keep
    assert res["same"]
    out = box.root / "out"
    assert (out / "shadow").read_bytes() == before
    assert not (out / "shadow-").exists(), "no backup was made (nothing was written)"
    assert [n for n in res["listing"] if n not in (".pwd.lock", "filler", "group", "passwd", "security", "shadow")] == []
    # And outside the namespace the sandbox's own etc was never touched.
    assert box.shadow.read_bytes() == before and leftovers(box.root / "etc") == []


# ---------------------------------------------------------------------------------------------- (c) EIO

SHIM = r'''
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SHIM_FAIL="op:name": op (write, fsync, rename) on a file whose last path component is `name` fails with
   EIO; each injection appends a line to SHIM_MARK. */
static ssize_t (*real_write)(int, const void *, size_t);

static void mark(const char *op, const char *name)
{
    const char *path = getenv("SHIM_MARK");
    if (!path) return;
    if (!real_write) real_write = dlsym(RTLD_NEXT, "write");
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return;
    char line[512];
    int n = snprintf(line, sizeof line, "%s %s\n", op, name);
    real_write(fd, line, (size_t)n);
    close(fd);
}

static int matches(const char *op, const char *path)
{
    const char *spec = getenv("SHIM_FAIL");
    if (!spec || !path) return 0;
    size_t oplen = strcspn(spec, ":");
    if (strlen(op) != oplen || strncmp(spec, op, oplen) != 0 || spec[oplen] != ':') return 0;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(base, spec + oplen + 1) != 0) return 0;
    mark(op, base);
    return 1;
}

static int fd_matches(const char *op, int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0) return 0;
    path[n] = 0;
    return matches(op, path);
}

ssize_t write(int fd, const void *buf, size_t count)
{
    if (!real_write) real_write = dlsym(RTLD_NEXT, "write");
    if (fd_matches("write", fd)) { errno = EIO; return -1; }
    return real_write(fd, buf, count);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real) real = dlsym(RTLD_NEXT, "fsync");
    if (fd_matches("fsync", fd)) { errno = EIO; return -1; }
    return real(fd);
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real) real = dlsym(RTLD_NEXT, "rename");
    if (matches("rename", from)) { errno = EIO; return -1; }
    return real(from, to);
}
'''


@pytest.fixture(scope="module")
def eio_shim(tmp_path_factory):
    d = tmp_path_factory.mktemp("shim")
    (d / "shim.c").write_text(SHIM)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(d / "shim.so"), str(d / "shim.c"), "-ldl"], check=True)
    return d / "shim.so"


@pytest.mark.parametrize("fault", ["write:shadow+", "fsync:shadow+", "write:shadow-+", "fsync:shadow-+",
                                   "rename:shadow-+", "rename:shadow+"])
def test_injected_eio(sandbox, eio_shim, fault):
    box = sandbox
    required_stack(box)
    add_accounts(box, 100)
    tap = issue_pass(box, "alice", reusable=True)
    etc = box.root / "etc"
    # A first, clean reset makes a `shadow-` to watch.
    assert reset(box, tap, "First-clean-Pw9x")[0] == PAM_SUCCESS
    before, backup_before = box.shadow.read_bytes(), (etc / "shadow-").read_bytes()
    marks = box.root / "shim-marks"
    required_stack(box, f"helper={fault_helper(box.root, eio_shim, fault, marks)}")
    code, transcript = reset(box, tap, "Eio-attempt-Pw9x")
    required_stack(box)
    assert marks.exists() and marks.read_text().split("\n")[0] == fault.replace(":", " "), "the fault was injected"
    assert code == PAM_AUTHTOK_ERR and transcript[-1] == FAILED
    assert box.shadow.read_bytes() == before
    backup = (etc / "shadow-").read_bytes()
    if fault == "rename:shadow+":
        # The backup step completed before the final rename failed: shadow- is now a copy of shadow.
        assert backup == before
    else:
        assert backup == backup_before
    assert leftovers(etc) == []
    assert os.stat(etc / "shadow").st_mode & 0o777 == 0o640
    # Not wedged: the next reset (no fault) works.
    assert reset(box, tap, "After-eio-Pw9x")[0] == PAM_SUCCESS
    assert verify(hash_of(box.shadow.read_bytes(), "alice"), "After-eio-Pw9x")
