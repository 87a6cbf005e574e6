# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Administrators over time (docs/security.md): a helpdesk member (ivan, in sspr-admin) sets up methods and a
pass for an ordinary account (alice) through ssprd. Once alice is an administrator (here: a member of docker,
root in all but name and an admin group by default), those no longer count at her reset: the helpdesk member
cannot reset the new administrator with what they planted. Methods alice or root set up still do. `sspr admin
check` names such accounts; the helpdesk's wrong answer checks have a budget of their own that `admin unlock`
does not clear. Through the real libpam and ssprd."""
import json

from conftest import Script, set_password
from stress_support import PAM_SUCCESS, audit, hash_of, verify
from test_admin_rules import IVAN, cli_as, make_helpdesk
from test_daemon import Daemon

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
NOT_AVAILABLE = "Password reset is not available for this account."
PW = "Ivan-pw-1\n"
NEW = "Brand-new-Pw-42"
BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def promote(sandbox, user, group="docker", gid=999):
    group_file = sandbox.root / "etc/group"
    text = group_file.read_text()
    if f"\n{group}:" not in "\n" + text:
        text += f"{group}:x:{gid}:\n"
    lines = [l + ("," if not l.endswith(":") else "") + user if l.startswith(f"{group}:") else l for l in text.splitlines()]
    group_file.write_text("\n".join(lines) + "\n")


def planted(sandbox):
    """ivan enrols recovery codes and a TOTP for alice, and issues her a pass; returns the codes and the pass."""
    d = Daemon(sandbox)
    try:
        ivan = cli_as(sandbox, IVAN)
        r = ivan("admin", "enroll", "alice", "recovery-codes", stdin=PW)
        assert r.returncode == 0, r.stderr
        codes = [l.strip() for l in r.stdout.splitlines() if l.startswith("  ")]
        r = ivan("admin", "enroll", "alice", "totp", "--secret", BASE32, stdin=PW)
        assert r.returncode == 0, r.stderr
        r = ivan("admin", "pass", "alice", "--ttl", "1h", stdin=PW)
        assert r.returncode == 0, r.stderr
        the_pass = r.stdout.split(": ", 1)[1].split()[0]
        return codes, the_pass
    finally:
        assert d.stop() == 0


def test_helpdesk_methods_and_passes_do_not_reset_an_account_promoted_to_admin(sandbox):
    sandbox.policy("methods = totp,recovery_code,tap\n")
    make_helpdesk(sandbox)
    codes, the_pass = planted(sandbox)
    rows = sandbox.sspr("admin", "report", "--json").stdout
    assert json.loads(rows)  # alice is registered
    promote(sandbox, "alice")
    before = sandbox.shadow.read_bytes()
    # The planted pass and codes: no reset at all (no method the user or root set up).
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
    assert results["authenticate"] != PAM_SUCCESS
    assert ("ERROR", NOT_AVAILABLE) in transcript
    assert sandbox.shadow.read_bytes() == before
    check = sandbox.sspr("admin", "check", check=False).stdout.decode()
    assert "administrator alice has methods a helpdesk member set up, which do not count at their reset" in check
    assert "recovery_code by ivan" in check and "totp by ivan" in check and "tap by ivan" in check
    # Alice replaces the codes herself (as root acting for her would, too): with root's TOTP the two gates hold.
    sandbox.sspr("admin", "enroll", "alice", "totp", "--secret", BASE32, "--replace")
    out = sandbox.sspr("--user", "alice", "add", "recovery-codes", stdin=b"y\n", check=False)
    own = [l.strip() for l in out.stdout.decode().splitlines() if l.startswith("  ")] or None
    if own is None:  # the CLI's own wording aside, root enrolling for her counts the same
        own = [l.strip() for l in sandbox.sspr("admin", "enroll", "alice", "recovery-codes", "--replace").stdout.decode().split("\n")[1:] if l.strip()]
    import subprocess
    totp = lambda _: subprocess.run(["oathtool", "--totp", "-b", BASE32], capture_output=True, text=True).stdout.strip()
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Choose a method [1-2]: ": "1",
                                                       "Authenticator app code: ": totp, "Recovery code: ": own[0],
                                                       "New password: ": NEW, "Retype new password: ": NEW}))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert verify(hash_of(sandbox.shadow.read_bytes(), "alice"), NEW)


def test_the_same_planted_methods_still_serve_an_ordinary_account(sandbox):
    """Not promoted: the helpdesk's enrolment is what it is for."""
    sandbox.policy("methods = totp,recovery_code,tap\n")
    make_helpdesk(sandbox)
    codes, _ = planted(sandbox)
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Choose a method [1-3]: ": "2",
                                                       "Recovery code: ": codes[0], "New password: ": NEW,
                                                       "Retype new password: ": NEW}))
    assert results["authenticate"] == PAM_SUCCESS, transcript


def test_helpdesk_answer_checks_have_their_own_budget_that_unlock_does_not_clear(sandbox):
    sandbox.policy("methods = questions,recovery_code\nmax_failures = 3\n")
    make_helpdesk(sandbox)
    sandbox.sspr("admin", "enroll", "alice", "questions", "--file", "-",
                 stdin=b"first-pet: Rex\nfirst-car: Ford\nfirst-teacher: Smith\n")
    d = Daemon(sandbox)
    try:
        ivan = cli_as(sandbox, IVAN)
        wrong = PW + "Fido\nOpel\nJones\n"
        refused = 0
        for _ in range(3):
            r = ivan("admin", "verify", "alice", "questions", stdin=wrong)
            refused += r.returncode == 1
            r = ivan("admin", "unlock", "alice", stdin=PW)
            assert r.returncode == 0, r.stderr
        assert refused == 3
        # Three wrong checks spent ivan's budget for alice: the right answers are refused to him now, although
        # alice herself was unlocked each time.
        right = json.dumps({"user": "alice", "method": "questions", "answers": [
            {"id": "first-pet", "answer": "Rex"}, {"id": "first-car", "answer": "Ford"}, {"id": "first-teacher", "answer": "Smith"}]})
        r = d.call(IVAN, 'Authenticate {"password": "Ivan-pw-1"}', "AdminVerify " + right)
        assert r[1].get("error") == "io.sspr.Registration.LockedOut", r
        # Root's check is not ivan's budget: the right answers are accepted.
        r = d.call(0, "AdminVerify " + right)
        assert r[0]["parameters"]["accepted"] is True, r
        report = json.loads(sandbox.sspr("admin", "report", "--json").stdout)
        assert not any(":" in row["user"] for row in report), "budgets are no users"
    finally:
        assert d.stop() == 0
