# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Screen lockers run PAM as the user: pam_sspr.so cannot start a root helper there, so it connects to the
reset socket, whose server (here `ssprd --reset-socket`, as on a system without systemd; sspr-reset.socket
otherwise) starts `sspr-reset --peer`, which takes the caller from SO_PEERCRED. The caller resets only its own
account; for any other name it hears exactly what an unknown name hears; its module arguments count for nothing."""
import json
import os
import shutil
import subprocess
import threading
import time

import pytest

from conftest import BIN, HELPER, MODULE
from stress_support import NOT_AVAILABLE, OFFER, PAM_MAXTRIES, PAM_SUCCESS, PamRun, enrol_codes, hash_of, verify

SSPRD = BIN / "ssprd"
ALICE = 1001
NEW = "Locker-reset-Pw9x"


class ResetService:
    def __init__(self, box):
        self.socket = box.root / "run/sspr/reset.sock"
        self.proc = subprocess.Popen([str(SSPRD), "--root", str(box.root), "--reset-socket", str(self.socket),
                                      "--helper", str(HELPER)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(200):
            if self.socket.exists():
                break
            time.sleep(0.05)
        assert self.socket.exists(), "ssprd did not start its reset socket"
        assert self.socket.stat().st_mode & 0o777 == 0o666

    def stop(self):
        self.proc.terminate()
        return self.proc.wait(timeout=20)


@pytest.fixture
def locker(sandbox):
    box = sandbox
    box.stack(service="kde", session=False)
    os.chmod(box.root / "pam.d", 0o755)
    service = ResetService(box)
    yield box
    assert service.stop() == 0
    assert not service.socket.exists()


def as_user(uid=ALICE):
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]


def run_as(box, user, script, uid=ALICE, service="kde"):
    r = PamRun(box.driver, box.confdir, service, user, prefix=as_user(uid), lenient=False)
    r.answer(script)
    res = r.finish()
    assert r.proc.returncode == 0
    return r.transcript, res["authenticate"]


def test_locker_resets_its_own_password(locker):
    box = locker
    codes = enrol_codes(box, "alice")
    transcript, code = run_as(box, "alice", {OFFER: "yes", "Recovery code: ": codes[0], "New password: ": NEW,
                                             "Retype new password: ": NEW})
    assert code == PAM_SUCCESS, transcript
    assert ("INFO", "Your password has been reset.") in transcript
    assert verify(hash_of(box.shadow.read_bytes(), "alice"), NEW)
    audit = json.loads(box.sspr("admin", "audit", "--json", "--user", "alice").stdout)
    assert any(a["event"] == "reset" and a["service"] == "kde" for a in audit)


def test_another_users_account_sounds_exactly_like_an_unknown_name(locker):
    box = locker
    enrol_codes(box, "bob")
    before = box.shadow.read_bytes()
    script = {OFFER: "yes"}
    other = run_as(box, "bob", script)
    unknown = run_as(box, "nosuchuser", script)
    assert other == unknown
    assert other[0] == [("PROMPT_ON", OFFER), ("ERROR", NOT_AVAILABLE)]
    assert box.shadow.read_bytes() == before


def test_lock_screen_no_means_no_offer_whatever_the_callers_arguments_say(locker):
    box = locker
    enrol_codes(box, "alice")
    box.policy("lock_screen = no\n")
    # The caller's own stack (pam_start_confdir) even says lock_screen=yes and a policy file of its own.
    own_policy = box.root / "caller-policy.conf"
    own_policy.write_text("lock_screen = yes\n")
    box.stack(service="kde", args=f"lock_screen=yes config={own_policy}", session=False)
    transcript, code = run_as(box, "alice", {OFFER: "yes"})
    assert transcript == []


def test_callers_policy_overrides_do_not_weaken_the_lockout(locker):
    box = locker
    enrol_codes(box, "alice")
    box.stack(service="kde", args="max_failures=1000", session=False)
    # Three wrong codes per conversation: two conversations make six tries, of which the store checks five.
    for _ in range(2):
        run_as(box, "alice", {OFFER: "yes", "Recovery code: ": "WRNGX-CDEFG"})
    audit = json.loads(box.sspr("admin", "audit", "--json", "--user", "alice").stdout)
    assert sum(a["event"] == "proof" and a["result"] == "fail" for a in audit) == 5
    assert any(a["event"] == "lockout" for a in audit)


def test_no_reset_service_means_no_offer(sandbox):
    box = sandbox
    enrol_codes(box, "alice")
    box.stack(service="kde", session=False)
    os.chmod(box.root / "pam.d", 0o755)
    transcript, code = run_as(box, "alice", {OFFER: "yes"})
    assert transcript == [], "a reset that could not be finished is never offered"


def wrong_code(i):
    """A code of the recovery-code alphabet (a reply shaped like a code counts as a proof), different for each i."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    tail = "".join(alphabet[(i // len(alphabet) ** k) % len(alphabet)] for k in range(5))
    return f"WRNGX-{tail}"


def test_a_hundred_concurrent_lockers_do_not_get_past_the_lockout(locker):
    box = locker
    enrol_codes(box, "alice")
    results = []

    def one(i):
        r = PamRun(box.driver, box.confdir, "kde", "alice", prefix=as_user(), lenient=True)
        r.answer({OFFER: "yes", "Recovery code: ": wrong_code(i)})
        results.append(r.finish(timeout=180)["authenticate"])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert len(results) == 100 and PAM_SUCCESS not in results
    # At most four of alice's resets run at once (docs/security.md); those refused meanwhile get no offer. However
    # many got through, the store checked no more than max_failures (5) proofs.
    audit = json.loads(box.sspr("admin", "audit", "--json", "--user", "alice").stdout)
    checked = sum(a["event"] == "proof" and a["result"] == "fail" for a in audit)
    assert 1 <= checked <= 5
