# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Issue 11 items 4-6 and issue 12 item 4 through the real programs: registrations bound to the account,
root as the first admin, the helpdesk's limits, a password check apart from the reset lockout, and
delegated administration from the CLI through ssprd."""
import json
import shutil
import subprocess

from conftest import SSPR, Script, set_password
from test_daemon import ALICE, BOB, Daemon, err, store_dump
from test_reset_flow import NOT_AVAILABLE, OFFER, PAM_SUCCESS, enrol_codes

IVAN = 1009    # the helpdesk: a member of sspr-admin, not of admin_groups
GINA = 1007    # last change 0: her password has expired ("must change")
WRONG_CODE = "AAAAA-AAAAA"


def make_helpdesk(sandbox):
    group = sandbox.root / "etc/group"
    group.write_text(group.read_text().replace("sspr-admin:x:990:", "sspr-admin:x:990:ivan"))
    set_password(sandbox.root, "ivan", "Ivan-pw-1")


def cli_as(sandbox, uid):
    """The sspr command run by `uid` (a copy that uid can execute), against the sandbox and its ssprd."""
    copy = sandbox.root / "sspr"
    if not copy.exists():
        shutil.copy(SSPR, copy)

    def run(*args, stdin=""):
        cmd = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", str(copy), "--root", str(sandbox.root), *args]
        return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60)
    return run


def recreate_alice(sandbox, uid=1011):
    passwd = sandbox.root / "etc/passwd"
    passwd.write_text(passwd.read_text().replace("alice:x:1001:1001:", f"alice:x:{uid}:1001:"))


def wrong_codes_at_login(sandbox, user, count):
    """Types `count` wrong recovery codes for `user` at the login prompt (3 per conversation at most)."""
    while count > 0:
        n = min(count, 3)
        typed = iter([WRONG_CODE] * n)
        script = Script({OFFER: "yes", "Recovery code: ": lambda _: next(typed)})
        sandbox.pam(user, script)
        count -= n


def report(sandbox):
    return {r["user"]: r for r in json.loads(sandbox.sspr("admin", "report", "--json").stdout)}


# --- registrations bind to the account (issue 11 item 4) ---

def test_a_recreated_alice_is_not_reset_by_the_old_alices_code(sandbox):
    codes = enrol_codes(sandbox, "alice")
    recreate_alice(sandbox)  # userdel alice && useradd alice: the same name, another uid
    script = Script({OFFER: "yes", "Recovery code: ": codes[0]})
    transcript, results = sandbox.pam("alice", script)
    assert results["authenticate"] != PAM_SUCCESS
    assert ("ERROR", NOT_AVAILABLE) in transcript and "Recovery code: " not in script.asked
    rows = report(sandbox)
    assert rows["alice"]["account"] == "mismatch" and "uid 1001" in rows["alice"]["account_problem"]
    text = sandbox.sspr("admin", "report").stdout.decode()
    assert "alice           mismatch" in text and "sspr admin remove alice" in text
    check = sandbox.sspr("admin", "check", check=False)
    assert check.returncode == 1
    assert "problem: registrations of alice were made for uid 1001, but the account now has uid 1011" in check.stdout.decode()
    audit = sandbox.sspr("admin", "audit", "--user", "alice").stdout.decode()
    assert "account_mismatch user=alice result=refused" in audit
    # The new alice cannot register on top of the old registrations either, until an admin clears them.
    d = Daemon(sandbox)
    try:
        r = d.call(1011, 'Authenticate {"password": "Old-password-1"}', "GenerateRecoveryCodes")
        assert "expires" in r[0]["parameters"] and err(r[1]) == "NotAvailable"
        sandbox.sspr("admin", "remove", "alice")
        r = d.call(1011, 'Authenticate {"password": "Old-password-1"}', "GenerateRecoveryCodes")
        assert len(r[1]["parameters"]["codes"]) == 10
    finally:
        assert d.stop() == 0
    assert report(sandbox)["alice"]["account"] == "ok"
    assert sandbox.sspr("admin", "verify", "alice", "recovery-code", stdin=(codes[1] + "\n").encode(), check=False).returncode == 1


# --- root is the first admin (issue 11 item 5) ---

def test_root_with_three_questions_is_refused(sandbox):
    set_password(sandbox.root, "root", "Root-pw-1")
    sandbox.policy("allow_root = yes\n")
    sandbox.sspr("admin", "enroll", "root", "questions", "--file", "-",
                 stdin=b"first-pet: Rex\nfirst-car: Ford\nfirst-teacher: Smith\n")
    script = Script({OFFER: "yes"})
    transcript, results = sandbox.pam("root", script)
    assert results["authenticate"] != PAM_SUCCESS and ("ERROR", NOT_AVAILABLE) in transcript
    assert script.asked == [OFFER], "no question is asked"
    # Two different methods are root's gates; by default (allow_root = no) not even they reset root.
    enrol_codes(sandbox, "root")
    sandbox.sspr("admin", "enroll", "root", "totp", "--secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    sandbox.policy("")
    script = Script({OFFER: "yes"})
    transcript, results = sandbox.pam("root", script)
    assert results["authenticate"] != PAM_SUCCESS and ("ERROR", NOT_AVAILABLE) in transcript and script.asked == [OFFER]


def test_the_helpdesk_cannot_act_on_root_or_an_admin(sandbox):
    make_helpdesk(sandbox)
    sandbox.policy("allow_root = yes\n")
    set_password(sandbox.root, "bob", "Bob-pw-1")
    d = Daemon(sandbox)
    try:
        before = store_dump(sandbox)
        for target in ("root", "bob"):
            calls = [f'AdminIssuePass {{"user": "{target}", "ttl": 600}}', f'GenerateRecoveryCodes {{"user": "{target}"}}',
                     f'BeginTOTP {{"user": "{target}"}}', f'AdminRemove {{"user": "{target}"}}',
                     f'AdminUnlock {{"user": "{target}"}}', f'AdminVerify {{"user": "{target}", "method": "totp", "code": "123456"}}',
                     f'GetStatus {{"user": "{target}"}}']
            r = d.call(IVAN, 'Authenticate {"password": "Ivan-pw-1"}', *calls)
            assert "expires" in r[0]["parameters"]
            assert [err(x) for x in r[1:]] == ["PermissionDenied"] * len(calls), (target, r)
        r = d.call(IVAN, 'Authenticate {"password": "Ivan-pw-1"}', 'AdminIssuePass {"user": "ivan", "ttl": 600}',
                   'AdminIssuePass {"user": "alice", "ttl": 600}')
        assert err(r[1]) == "PermissionDenied", "no pass for oneself"
        assert len(r[2]["parameters"]["pass"]) == 19, "alice is the helpdesk's to help"
        added = set(store_dump(sandbox).splitlines()) - set(before.splitlines())
        assert not any("'root'" in line or "'bob'" in line for line in added if "INSERT INTO passes" in line or "INSERT INTO methods" in line)
        # The CLI says so too, with exit 3; root acts on anyone.
        ivan = cli_as(sandbox, IVAN)
        r = ivan("admin", "pass", "bob", stdin="Ivan-pw-1\n")
        assert r.returncode == 3 and "only root administers" in r.stderr
        r = ivan("admin", "enroll", "root", "recovery-codes", stdin="Ivan-pw-1\n")
        assert r.returncode == 3
        r = d.call(0, 'AdminIssuePass {"user": "bob", "ttl": 600}', 'AdminIssuePass {"user": "root", "ttl": 600}')
        assert all(len(x["parameters"]["pass"]) == 19 for x in r)
    finally:
        assert d.stop() == 0


# --- a password check is not a recovery proof (issue 11 item 6) ---

def test_five_wrong_codes_then_authenticate_with_the_right_password(sandbox):
    enrol_codes(sandbox, "alice")
    wrong_codes_at_login(sandbox, "alice", 5)
    assert report(sandbox)["alice"].get("locked_until"), "resets are locked"
    set_password(sandbox.root, "alice", "Alice-pw-1")
    d = Daemon(sandbox)
    try:
        r = d.call(ALICE, 'Authenticate {"password": "Alice-pw-1"}', "GenerateRecoveryCodes",
                   'ProveMethod {"method": "recovery_code", "code": "' + WRONG_CODE + '"}', "GetStatus")
        # The password is right, but changing her methods needs a proof of one, and proofs are locked out.
        assert "expires" in r[0]["parameters"] and err(r[1]) == "ProofRequired"
        assert err(r[2]) == "LockedOut"
        assert "locked_until" in r[3]["parameters"], "the reset lockout stands"
    finally:
        assert d.stop() == 0


def test_wrong_passwords_are_throttled_apart_and_lock_no_reset(sandbox):
    d = Daemon(sandbox)
    try:
        r = d.call(ALICE, *['Authenticate {"password": "wrong"}'] * 5, 'Authenticate {"password": "Old-password-1"}')
        assert [err(x) for x in r] == ["AuthenticationFailed"] * 5 + ["RateLimited"]
        assert "try again after" in r[5]["parameters"]["reason"]
        r = cli_as(sandbox, ALICE)("add", "recovery-codes", stdin="Old-password-1\n")
        assert r.returncode == 3 and "too many wrong passwords; try again after" in r.stderr
        # bob is not affected by alice's throttle.
        r = d.call(BOB, 'Authenticate {"password": "Old-password-1"}')
        assert "expires" in r[0]["parameters"]
    finally:
        assert d.stop() == 0
    rows = report(sandbox)
    assert "alice" not in rows or (not rows["alice"].get("locked_until") and rows["alice"]["recent_failures"] == 0)


def test_an_expired_password_that_is_right_is_accepted(sandbox):
    set_password(sandbox.root, "gina", "Gina-pw-1")  # gina's last change is 0: must change
    d = Daemon(sandbox)
    try:
        r = d.call(GINA, 'Authenticate {"password": "wrong"}', 'Authenticate {"password": "Gina-pw-1"}', "GenerateRecoveryCodes")
        assert err(r[0]) == "AuthenticationFailed" and "expires" in r[1]["parameters"]
        assert len(r[2]["parameters"]["codes"]) == 10
    finally:
        assert d.stop() == 0


# --- delegation (issue 12 item 4) ---

def test_a_sspr_admin_member_runs_the_admin_commands_through_ssprd(sandbox):
    make_helpdesk(sandbox)
    answers = sandbox.root / "answers"
    answers.write_text("first-pet: Rex\nfirst-car: Ford\nfirst-teacher: Smith\n")
    answers.chmod(0o644)
    d = Daemon(sandbox)
    try:
        ivan = cli_as(sandbox, IVAN)
        pw = "Ivan-pw-1\n"
        r = ivan("admin", "enroll", "alice", "recovery-codes", stdin=pw)
        assert r.returncode == 0, r.stderr
        codes = [l.strip() for l in r.stdout.splitlines() if l.startswith("  ")]
        assert len(codes) == 10
        r = ivan("admin", "enroll", "alice", "totp", stdin=pw)
        assert r.returncode == 0 and r.stdout.count("otpauth://totp/") == 1 and ":alice?secret=" in r.stdout, r.stderr
        r = ivan("admin", "enroll", "alice", "questions", "--file", str(answers), stdin=pw)
        assert r.returncode == 0, r.stderr
        r = ivan("admin", "report", "--json", stdin=pw)
        assert r.returncode == 0, r.stderr
        alice = next(u for u in json.loads(r.stdout) if u["user"] == "alice")
        assert set(alice["methods"]) == {"totp", "questions", "recovery_code"} and alice["account"] == "ok"
        r = ivan("admin", "verify", "alice", "recovery-code", stdin=pw + WRONG_CODE + "\n")
        assert r.returncode == 1 and r.stdout.strip() == "refused"
        r = ivan("admin", "verify", "alice", "recovery-code", stdin=pw + codes[0] + "\n")
        assert r.returncode == 0 and r.stdout.strip() == "accepted", r.stderr
        r = ivan("admin", "pass", "alice", "--ttl", "1h", stdin=pw)
        assert r.returncode == 0 and "Temporary access pass for alice:" in r.stdout
        r = ivan("admin", "unlock", "alice", stdin=pw)
        assert r.returncode == 0 and "Unlocked alice." in r.stdout
        r = ivan("admin", "remove", "alice", "totp", stdin=pw)
        assert r.returncode == 0, r.stderr
        r = ivan("admin", "audit", "--user", "alice", stdin=pw)
        assert r.returncode == 0 and "enroll user=alice method=recovery_code result=pass service=ssprd actor=ivan" in r.stdout
        assert "pass_issued user=alice" in r.stdout and "unlock user=alice" in r.stdout
        assert "Ivan-pw-1" not in r.stdout and codes[0] not in r.stdout and "rex" not in r.stdout.lower()
        # A wrong password: exit 3; someone outside sspr-admin: exit 3 whatever their password.
        r = ivan("admin", "report", stdin="wrong\n")
        assert r.returncode == 3 and "password was not right" in r.stderr
        r = cli_as(sandbox, ALICE)("admin", "report", stdin="Old-password-1\n")
        assert r.returncode == 3 and "not permitted" in r.stderr
    finally:
        assert d.stop() == 0
