# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""The whole reset through the real libpam: each method, two gates, the refusals, the lockout."""
import re
import subprocess
import time

import pytest

from conftest import Script, sqlite_only

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
NOT_AVAILABLE = "Password reset is not available for this account."
PAM_SUCCESS, PAM_AUTH_ERR = 0, 7
NEW = "Brand-new-Pw-42"


def totp_now(base32):
    return subprocess.run(["oathtool", "--totp", "-b", base32], capture_output=True, text=True, check=True).stdout.strip()


def shadow_hash(sandbox, user):
    for line in sandbox.shadow.read_text().split("\n"):
        f = line.split(":")
        if f[0] == user:
            return f[1]
    return None


def verify_password(hash_, password):
    import conftest
    crypt = conftest.crypt
    return crypt.crypt(password, hash_) == hash_


BASE32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_codes(sandbox, user):
    out = sandbox.sspr("admin", "enroll", user, "recovery-codes").stdout.decode().split("\n")
    return [l.strip() for l in out[1:] if l.strip()]


def test_reset_with_authenticator_code(sandbox):
    sandbox.sspr("admin", "enroll", "alice", "totp", "--secret", BASE32)
    before = sandbox.shadow.read_bytes()
    old = shadow_hash(sandbox, "alice")
    script = Script({OFFER: "yes", "Authenticator app code: ": lambda _: totp_now(BASE32),
                     "New password: ": NEW, "Retype new password: ": NEW})
    transcript, results = sandbox.pam("alice", script, extra=("--tty", "tty3"))
    assert results["authenticate"] == PAM_SUCCESS
    assert ("INFO", "Your password has been reset.") in transcript
    assert [t for s, t in transcript if s.startswith("PROMPT")] == [OFFER, "Authenticator app code: ", "New password: ", "Retype new password: "]
    new_hash = shadow_hash(sandbox, "alice")
    assert new_hash != old and verify_password(new_hash, NEW) and not verify_password(new_hash, "Old-password-1")
    # Only alice's line changed; the backup is the previous file.
    assert (sandbox.root / "etc/shadow-").read_bytes() == before
    changed = [(a, b) for a, b in zip(before.split(b"\n"), sandbox.shadow.read_bytes().split(b"\n")) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith(b"alice:")
    # Audit: offer, proof, reset; with the tty, no secret.
    audit = sandbox.sspr("admin", "audit", "--user", "alice").stdout.decode()
    assert "offer" in audit and "proof user=alice method=totp result=pass service=login tty=tty3" in audit and "reset" in audit
    assert NEW not in audit


def test_debian_stock_login_defs_and_common_password_write_yescrypt(sandbox):
    """Debian 12's login.defs says SHA512 and its PAM password stack says yescrypt; passwd writes yescrypt, and so
    must a reset (the files are the stock ones, under the sandbox root)."""
    import shutil
    from conftest import FIXTURES
    shutil.copy(FIXTURES / "debian12-etc" / "login.defs", sandbox.root / "etc/login.defs")
    shutil.copytree(FIXTURES / "debian12-etc" / "pam.d", sandbox.root / "etc/pam.d")
    sandbox.sspr("admin", "enroll", "alice", "totp", "--secret", BASE32)
    script = Script({OFFER: "yes", "Authenticator app code: ": lambda _: totp_now(BASE32),
                     "New password: ": NEW, "Retype new password: ": NEW})
    _, results = sandbox.pam("alice", script)
    assert results["authenticate"] == PAM_SUCCESS
    new_hash = shadow_hash(sandbox, "alice")
    assert new_hash.startswith("$y$j9T$") and verify_password(new_hash, NEW)


def test_reset_with_recovery_code_and_relogin(sandbox):
    sandbox.policy("on_success = relogin\n")
    codes = enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: "Y", "Recovery code: ": codes[0].lower(),
                                                      "New password: ": NEW, "Retype new password: ": NEW}))
    assert results["authenticate"] == PAM_AUTH_ERR, "relogin: the reset does not sign in"
    assert transcript[-2:] == [("INFO", "Your password has been reset."), ("INFO", "Log in with your new password.")]
    assert verify_password(shadow_hash(sandbox, "alice"), NEW)
    # The code is spent.
    _, again = sandbox.pam("alice", Script({OFFER: "yes", "Recovery code: ": codes[0], "New password: ": "x", "Retype new password: ": "x"}))
    assert again["authenticate"] == PAM_AUTH_ERR


def test_reset_with_temporary_access_pass_satisfies_two_gates(sandbox):
    out = sandbox.sspr("admin", "pass", "bob").stdout.decode()
    tap = out.split(": ")[1].split()[0]
    transcript, results = sandbox.pam("bob", Script({OFFER: "yes", "Temporary access pass: ": tap,
                                                    "New password: ": NEW, "Retype new password: ": NEW}))
    assert results["authenticate"] == PAM_SUCCESS
    assert verify_password(shadow_hash(sandbox, "bob"), NEW)


def test_reset_with_questions(sandbox):
    answers = {"What was the name of your first pet? ": "Rex", "What was the make and model of your first car? ": "Ford Fiesta",
               "What was the surname of your first schoolteacher? ": "Smith"}
    sandbox.sspr("admin", "enroll", "alice", "questions", "--file", "-",
                 stdin=b"first-pet: Rex\nfirst-car: Ford  Fiesta\nfirst-teacher: Smith\n")
    script = Script({OFFER: "yes", **{k: v.upper() for k, v in answers.items()}, "New password: ": NEW, "Retype new password: ": NEW})
    transcript, results = sandbox.pam("alice", script)
    assert results["authenticate"] == PAM_SUCCESS
    assert sorted(script.asked[1:4]) == sorted(answers)
    assert all(s == "PROMPT_OFF" for s, t in transcript if t in answers), "answers are not echoed"


def test_two_gates_for_an_admin_with_menu(sandbox):
    sandbox.sspr("admin", "enroll", "bob", "totp", "--secret", BASE32)
    codes = enrol_codes(sandbox, "bob")
    sandbox.sspr("admin", "enroll", "bob", "questions", "--file", "-", stdin=b"first-pet: Rex\nfirst-car: Ford\nfirst-teacher: Smith\n")
    script = Script({OFFER: "yes", "Choose a method [1-2]: ": "1", "Authenticator app code: ": lambda _: totp_now(BASE32),
                     "Recovery code: ": codes[1], "New password: ": NEW, "Retype new password: ": NEW})
    transcript, results = sandbox.pam("bob", script)
    assert results["authenticate"] == PAM_SUCCESS
    texts = [t for _, t in transcript]
    assert "Verify your identity (step 1 of 2):" in texts and "Verify your identity (step 2 of 2):" in texts
    assert "  1. Authenticator app code" in texts and "  2. Recovery code" in texts
    assert not any("Security questions" in t for t in texts), "admins may not use questions"


def test_admin_with_one_method_cannot_reset(sandbox):
    sandbox.sspr("admin", "enroll", "bob", "totp", "--secret", BASE32)
    transcript, results = sandbox.pam("bob", Script({OFFER: "yes"}))
    assert results["authenticate"] == PAM_AUTH_ERR
    assert transcript[-1] == ("ERROR", NOT_AVAILABLE)


def refusal_transcript(sandbox, user):
    before = sandbox.shadow.read_bytes()
    transcript, results = sandbox.pam(user, Script({OFFER: "yes"}))
    assert sandbox.shadow.read_bytes() == before
    return transcript, results


@pytest.mark.parametrize("user", ["nosuchuser", "alice", "carol", "dave", "erin", "frank", "hank"])
def test_unavailable_accounts_look_identical(sandbox, user):
    sandbox.policy("helpdesk = Call 555-0100, room 12\n")
    # Everyone but alice (unregistered) and the unknown name has methods registered.
    for u in ("carol", "dave", "erin", "frank", "hank"):
        enrol_codes(sandbox, u)
    transcript, results = refusal_transcript(sandbox, user)
    assert transcript == [("PROMPT_ON", OFFER), ("ERROR", NOT_AVAILABLE), ("ERROR", "Call 555-0100, room 12")]
    assert results["authenticate"] == PAM_AUTH_ERR


def test_must_change_password_account_may_reset(sandbox):
    codes = enrol_codes(sandbox, "gina")
    transcript, results = sandbox.pam("gina", Script({OFFER: "yes", "Recovery code: ": codes[0], "New password: ": NEW, "Retype new password: ": NEW}))
    assert results["authenticate"] == PAM_SUCCESS
    line = next(l for l in sandbox.shadow.read_text().split("\n") if l.startswith("gina:"))
    assert line.split(":")[2] == str(int(time.time()) // 86400), "last change becomes today"


def test_declining_returns_without_a_word(sandbox):
    codes = enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: ""}))
    assert transcript == [("PROMPT_ON", OFFER)] and results["authenticate"] == PAM_AUTH_ERR
    transcript, _ = sandbox.pam("alice", Script({OFFER: "no thanks"}))
    assert transcript == [("PROMPT_ON", OFFER)]


def test_wrong_proofs_lock_out(sandbox):
    sandbox.policy("max_failures = 3\nlockout = 1h\n")
    enrol_codes(sandbox, "alice")
    before = sandbox.shadow.read_bytes()
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Recovery code: ": "AAAAA-AAAAA"}))
    assert [t for s, t in transcript if s == "ERROR"][:3] == ["That was not right."] * 3
    # The time carries its zone ("... 23:19 UTC."): the user may not be where the machine is.
    assert re.fullmatch(r"Password reset is locked until \d{4}-\d\d-\d\d \d\d:\d\d [A-Za-z0-9+-]+\.", transcript[-1][1]), transcript
    assert results["authenticate"] == PAM_AUTH_ERR
    # Locked on the next attempt too, before any proof is asked.
    transcript, _ = sandbox.pam("alice", Script({OFFER: "yes"}))
    assert len(transcript) == 2 and transcript[1][1].startswith("Password reset is locked until ")
    sandbox.sspr("admin", "unlock", "alice")
    transcript, _ = sandbox.pam("alice", Script({OFFER: "yes", "Recovery code: ": "AAAAA-AAAAA"}), )
    assert ("ERROR", "That was not right.") in transcript
    assert sandbox.shadow.read_bytes() == before


def test_three_wrong_proofs_end_the_conversation_without_lockout(sandbox):
    enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Recovery code: ": "AAAAA-AAAAA"}))
    assert [t for s, t in transcript if s == "ERROR"] == ["That was not right."] * 3 + ["Too many attempts."]
    assert results["authenticate"] == PAM_AUTH_ERR


def test_password_quality_and_mismatch_are_explained(sandbox):
    codes = enrol_codes(sandbox, "alice")
    passwords = iter(["short", "short", NEW, "Different-Pw-99", "Old-password-1", "Old-password-1"])
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Recovery code: ": codes[0],
                                                      "New password: ": lambda _: next(passwords),
                                                      "Retype new password: ": lambda _: next(passwords)}))
    errors = [t for s, t in transcript if s == "ERROR"]
    assert errors[0].startswith("BAD PASSWORD: The password is shorter than")
    assert errors[1] == "Sorry, passwords do not match."
    assert errors[2] == "Password has been already used. Choose another."
    assert errors[3:] == ["Too many attempts.", "Your password was not changed, and the codes you entered were not used up."]
    assert results["authenticate"] == PAM_AUTH_ERR
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Recovery code: ": codes[0], "New password: ": NEW,
                                                      "Retype new password: ": NEW}))
    assert results["authenticate"] == PAM_SUCCESS, "the refused reset did not spend the code"


def test_history_refuses_a_remembered_password(sandbox):
    codes = enrol_codes(sandbox, "alice")
    script = lambda code, pw: Script({OFFER: "yes", "Recovery code: ": code, "New password: ": pw, "Retype new password: ": pw})
    _, r1 = sandbox.pam("alice", script(codes[0], NEW))
    assert r1["authenticate"] == PAM_SUCCESS
    opasswd = (sandbox.root / "etc/security/opasswd").read_text()
    assert opasswd.startswith("alice:1001:1:$6$")
    _, r2 = sandbox.pam("alice", script(codes[1], "Second-new-Pw-7"))
    assert r2["authenticate"] == PAM_SUCCESS
    transcript, r3 = sandbox.pam("alice", script(codes[2], NEW))
    assert "Password has been already used. Choose another." in [t for _, t in transcript]


@pytest.mark.parametrize("service,extra,policy", [
    ("sudo", (), ""),                                  # not in services
    ("login", ("--rhost", "203.0.113.9"), ""),         # remote, allow_remote = no
    ("sshd", (), ""),                                  # sshd is a network login, whatever PAM_RHOST says
    ("sshd", ("--rhost", "127.0.0.1"), ""),            # an ssh jump through this machine is still remote
    ("login", ("--rhost", "localhost"), ""),           # reverse DNS of a loopback connection
    ("login", ("--rhost", "::1"), ""),
    ("login", ("--silent",), ""),                      # PAM_SILENT
    ("login", ("--no-conv",), ""),                     # no conversation function (cron)
    ("login", (), "enabled = none\n"),
    ("login", (), "enabled = group:sudo\n"),
    ("login", (), "max_failures = lots\n"),             # a bad policy: stay out of the way
])
def test_not_offered_without_a_word(sandbox, service, extra, policy):
    sandbox.policy(policy)
    enrol_codes(sandbox, "alice")
    sandbox.stack(service=service)
    transcript, results = sandbox.pam("alice", Script({}), service=service, extra=extra)
    assert transcript == [] and results["authenticate"] == PAM_AUTH_ERR


def test_offered_to_remote_hosts_with_allow_remote(sandbox):
    sandbox.policy("allow_remote = yes\n")
    enrol_codes(sandbox, "alice")
    transcript, _ = sandbox.pam("alice", Script({OFFER: ""}), extra=("--rhost", "203.0.113.9"))
    assert transcript == [("PROMPT_ON", OFFER)]


def test_module_arguments_override_the_policy(sandbox):
    enrol_codes(sandbox, "alice")
    sandbox.stack(args="services=other")
    transcript, _ = sandbox.pam("alice", Script({}))
    assert transcript == []
    sandbox.stack(args="bogus_argument=1")
    transcript, _ = sandbox.pam("alice", Script({}))
    assert transcript == [], "an unknown argument keeps the module out of the way"


@sqlite_only
def test_missing_store_fails_closed(sandbox):
    # No enrolment: no store at all.
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
    assert transcript[-1] == ("ERROR", NOT_AVAILABLE) and results["authenticate"] == PAM_AUTH_ERR
    assert not (sandbox.root / "var/lib/sspr/sspr.db").exists(), "the module never creates a store"


def test_session_reminder(sandbox):
    sandbox.policy("require_registration = yes\n")
    transcript, results = sandbox.pam("alice", Script({OFFER: ""}), extra=("--session",))
    enrol_codes(sandbox, "judy")  # creates the store
    transcript, results = sandbox.pam("alice", Script({OFFER: ""}), extra=("--session",))
    assert ("INFO", "Set up password reset so you can recover your account: run sspr register") in transcript
    assert results["open_session"] == PAM_SUCCESS
    transcript, results = sandbox.pam("judy", Script({OFFER: ""}), extra=("--session",))
    assert not any("sspr register" in t for _, t in transcript) and results["open_session"] == PAM_SUCCESS


def test_remote_services_lists_more_network_logins(sandbox):
    """remote_services names services that always involve a network (sshd by default): never offered there
    under allow_remote = no, even without PAM_RHOST."""
    sandbox.policy("services = login,xrdp-sesman\nremote_services = sshd,xrdp-sesman\n")
    enrol_codes(sandbox, "alice")
    sandbox.stack(service="xrdp-sesman")
    transcript, _ = sandbox.pam("alice", Script({OFFER: ""}), service="xrdp-sesman")
    assert transcript == []
    sandbox.policy("services = login,xrdp-sesman\nremote_services = sshd\n")
    transcript, _ = sandbox.pam("alice", Script({OFFER: ""}), service="xrdp-sesman")
    assert transcript == [("PROMPT_ON", OFFER)]
