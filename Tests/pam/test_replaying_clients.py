# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Clients that replay (docs/security.md): i3lock and swaylock answer every prompt with the text typed as the
password. A passer-by who types `yes` at a locked screen must neither spend the owner's tries, nor lock the owner
out, nor have a code mailed or texted: through the real libpam, each method alone, replays of `yes`, `y` and the
password itself (the German `ja`: test_translations.py), then the owner's own reset still works."""
import json
import subprocess

import pytest

from conftest import Script
from stress_support import PAM_SUCCESS, audit, enrol_codes, hash_of, verify
from test_email_sms import Daemon, raw_call, recorder, sent, code_in

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
NEW = "Brand-new-Pw-42"
ANSWERS = b"first-pet: Rex\nfirst-car: Ford\nfirst-teacher: Smith\n"


def totp_now():
    return subprocess.run(["oathtool", "--totp", "-b", BASE32], capture_output=True, text=True, check=True).stdout.strip()


def replay(text):
    """A client that answers every prompt with `text`, as i3lock does with the typed password."""
    return lambda style, prompt: text


def failed_proofs(box, user="alice"):
    return [a for a in audit(box, user) if a["event"] == "proof" and a["result"] == "fail"]


def state(box, user="alice"):
    report = json.loads(box.sspr("admin", "report", "--json").stdout)
    return next(r for r in report if r["user"] == user)["state"]


def enrol(box, method):
    """Only `method`, so there is no menu: the proof prompt is the first prompt after the offer."""
    if method == "totp":
        box.sspr("admin", "enroll", "alice", "totp", "--secret", BASE32)
        return {"Authenticator app code: ": lambda _: totp_now()}
    if method == "recovery_code":
        code = enrol_codes(box, "alice")[0]
        return {"Recovery code: ": code}
    if method == "questions":
        box.sspr("admin", "enroll", "alice", "questions", "--file", "-", stdin=ANSWERS)
        return {"What was the name of your first pet? ": "Rex", "What was the make and model of your first car? ": "Ford",
                "What was the surname of your first schoolteacher? ": "Smith"}
    raise AssertionError(method)


@pytest.mark.parametrize("method", ["totp", "recovery_code", "questions"])
def test_replayed_yes_spends_no_proof_and_locks_nobody_out(sandbox, method):
    sandbox.policy(f"methods = {method}\nmax_failures = 3\n")
    right = enrol(sandbox, method)
    before = sandbox.shadow.read_bytes()
    # Four replaying conversations: with every reply counted as a wrong proof, the third would have locked alice.
    for text in ("yes", "y", "YES", "yes"):
        transcript, results = sandbox.pam("alice", replay(text))
        assert results["authenticate"] != PAM_SUCCESS
        shown = [t for s, t in transcript if s == "ERROR"]
        assert "That was not right." not in shown, transcript
        assert "Too many attempts." in shown
    assert failed_proofs(sandbox) == []
    assert state(sandbox) != "locked"
    assert sandbox.shadow.read_bytes() == before
    not_counted = [a for a in audit(sandbox) if a["event"] == "reset_failed"]
    assert not_counted and all("replies that cannot be proofs" in a["detail"] for a in not_counted)
    # The owner, right after: the reset works with the real proof.
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", **right, "New password: ": NEW, "Retype new password: ": NEW}))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert verify(hash_of(sandbox.shadow.read_bytes(), "alice"), NEW)


def test_a_code_shaped_wrong_proof_still_counts(sandbox):
    """The refusal is for replies that cannot be proofs: a wrong code that could be one is a failed proof."""
    sandbox.policy("methods = recovery_code\nmax_failures = 3\n")
    enrol(sandbox, "recovery_code")
    transcript, _ = sandbox.pam("alice", Script({OFFER: "yes", "Recovery code: ": "ABCDE-FGHJK"}))
    assert ("ERROR", "That was not right.") in transcript
    assert len(failed_proofs(sandbox)) == 3


def test_replayed_password_is_only_a_declined_offer(sandbox):
    sandbox.policy("methods = recovery_code\nmax_failures = 3\n")
    enrol(sandbox, "recovery_code")
    for _ in range(4):
        transcript, _ = sandbox.pam("alice", replay("Old-password-1"))
        assert [t for s, t in transcript if s.startswith("PROMPT")] == [OFFER]
    assert failed_proofs(sandbox) == [] and state(sandbox) != "locked"


def test_replaying_client_never_has_a_code_texted(sandbox):
    """With a texted code the only method there is no menu: the code is sent only after an empty reply to "Press
    Enter to send a code", which a client replaying `yes` never gives."""
    script, out = recorder(sandbox)
    sandbox.policy(f"methods = sms\nsms_command = {script} send --to {{number}}\nmax_failures = 3\n")
    d = Daemon(sandbox)
    try:
        raw_call(d.socket, "BeginContact", user="alice", method="sms", destination="+1 (555) 010-0199")
        code = code_in(sent(out)[-1][1])
        assert raw_call(d.socket, "ConfirmContact", user="alice", method="sms", code=code) == {"parameters": {}}
    finally:
        d.stop()
    registered = len(sent(out))
    for text in ("yes", "y", "yes"):
        transcript, results = sandbox.pam("alice", replay(text))
        assert results["authenticate"] != PAM_SUCCESS
        assert ("ERROR", "No code was sent.") in transcript
        assert not any(t.startswith("Code sent to") for _, t in transcript)
    assert len(sent(out)) == registered, "no code was texted"
    assert failed_proofs(sandbox) == []
    # A person presses Enter: the code goes out and the reset completes.
    texted = lambda _: code_in(sent(out)[-1][1])
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Press Enter to send a code to **********99: ": "",
                                                       "Code sent to **********99: ": texted,
                                                       "New password: ": NEW, "Retype new password: ": NEW}))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert len(sent(out)) > registered
