# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Inside a private namespace (Tests/support/namespace_env.py): the store at /var/lib/sspr/sspr.db is made untrustworthy in every way
the module must refuse (wrong owner, group/other access, symlink, hard link, FIFO, directory, empty, truncated,
garbage, missing; the directory likewise), and for each case: the reset is refused ("not available", non
success, no proof asked) and a normal password login through pam_unix on the same stack still works.

  python3 ns_store_hygiene.py MODULE SSPR DRIVER"""
import os
import shutil
import subprocess
import sys
import time

from namespace_env import NOT_AVAILABLE, OFFER, Namespace, done
from namespace_overlay import drive as run_driver

module, sspr, driver = sys.argv[1:4]
USER, PW = "sspr-hyg-user", "Real-Password-9"
ns = Namespace(module, sspr)
ns.user(USER, PW)
codes = ns.codes(USER)
ns.stack("login")
DIR, DB = "/var/lib/sspr", "/var/lib/sspr/sspr.db"
good = open(DB, "rb").read()
shutil.copy2(DB, os.path.join(ns.work, "good.db"))


def drive(answers, timeout=20):
    t = time.monotonic()
    result = run_driver(driver, USER, None, answers, timeout=timeout)
    if "error" not in result:
        result["seconds"] = round(time.monotonic() - t, 3)
    return result


def restore():
    subprocess.run(["rm", "-rf", DIR, "/var/lib/elsewhere", "/var/lib/sspr-real"])
    os.mkdir(DIR, 0o700)
    shutil.copy2(os.path.join(ns.work, "good.db"), DB)
    os.chmod(DB, 0o600)
    os.chown(DB, 0, 0)


def s_owner():
    os.chown(DB, 1000, 1000)
def s_group_read():
    os.chmod(DB, 0o640)
def s_other_read():
    os.chmod(DB, 0o604)
def s_group_write():
    os.chmod(DB, 0o620)
def s_symlink():
    os.rename(DB, "/var/lib/real.db")
    os.symlink("/var/lib/real.db", DB)
def s_hardlink():
    os.makedirs("/var/lib/elsewhere", 0o755)
    os.link(DB, "/var/lib/elsewhere/planted.db")
def s_fifo():
    os.unlink(DB)
    os.mkfifo(DB, 0o600)
def s_directory():
    os.unlink(DB)
    os.mkdir(DB, 0o700)
def s_empty():
    open(DB, "wb").close()
def s_truncated():
    with open(DB, "r+b") as f:
        f.truncate(len(good) // 2)
def s_header_only():
    with open(DB, "r+b") as f:
        f.truncate(100)
def s_garbage():
    with open(DB, "wb") as f:
        f.write(os.urandom(len(good)))
def s_missing():
    os.unlink(DB)
def s_dir_group():
    os.chmod(DIR, 0o750)
def s_dir_other():
    os.chmod(DIR, 0o705)
def s_dir_owner():
    os.chown(DIR, 1000, 1000)
def s_dir_symlink():
    os.rename(DIR, "/var/lib/sspr-real")
    os.symlink("/var/lib/sspr-real", DIR)
def s_dir_missing():
    shutil.rmtree(DIR)
def s_dir_is_file():
    shutil.rmtree(DIR)
    open(DIR, "w").close()
    os.chmod(DIR, 0o600)


CASES = [(n[2:], f) for n, f in list(globals().items()) if n.startswith("s_")]
res = {"cases": {}}
restore()
# Baseline: with the good store the reset is offered and gets to the proof.
res["baseline"] = drive({"Password: ": "wrong", OFFER: "yes"})
for name, make in CASES:
    restore()
    make()
    before = {p: os.lstat(p) for p in (DIR, DB) if os.path.lexists(p)}
    case = {"reset": drive({"Password: ": "wrong", OFFER: "yes", "Recovery code: ": codes[0]}),
            "login": drive({"Password: ": PW})}
    # The module changed nothing in the refused store (no chmod/chown "repair", no new file).
    after = {p: os.lstat(p) for p in (DIR, DB) if os.path.lexists(p)}
    case["store_untouched"] = all((a.st_mode, a.st_uid, a.st_ino, a.st_size) == (b.st_mode, b.st_uid, b.st_ino, b.st_size)
                                  for (a, b) in zip(before.values(), after.values())) and before.keys() == after.keys()
    res["cases"][name] = case
restore()
res["code_still_good"] = ns.sspr("admin", "verify", USER, "recovery-code", stdin=(codes[0] + "\n").encode(), check=False).stdout.decode().strip()
res["syslog"] = [l for l in ns.syslog.lines if "sspr" in l][-40:]
done(res, ns)
