# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""A proof is spent only by a completed reset (issue 12): through the real libpam, a reset abandoned at
"New password:" or refused by the quality check leaves the recovery code usable, the audit says why the reset
did not complete, and two resets holding one code get exactly one success."""
import json
import re
import time
from pathlib import Path

from conftest import CONV_ERROR, Script
from stress_support import (PAM_AUTHTOK_ERR, PAM_CONV_ERR, PAM_MAXTRIES, PAM_SUCCESS, PamRun, audit, codes_left, hash_of,
                            required_stack, verify)

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
CODE = "Recovery code: "
NEW, RETYPE = "New password: ", "Retype new password: "
PASSWORD = "Brand-new-Pw-42"


def enrol_codes(sandbox, user):
    # `auth required`: the driver sees the module's own return code, not pam_deny's.
    required_stack(sandbox)
    out = sandbox.sspr("admin", "enroll", user, "recovery-codes").stdout.decode().split("\n")
    return [l.strip() for l in out[1:] if l.strip()]


def completes(sandbox, code):
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", CODE: code, NEW: PASSWORD, RETYPE: PASSWORD}))
    return results["authenticate"] == PAM_SUCCESS and verify(hash_of(sandbox.shadow.read_bytes(), "alice"), PASSWORD)


def test_a_reset_abandoned_at_new_password_leaves_the_code_usable(sandbox):
    codes = enrol_codes(sandbox, "alice")
    before = sandbox.shadow.read_bytes()
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", CODE: codes[0], NEW: CONV_ERROR}))
    assert results["authenticate"] == PAM_CONV_ERR
    assert [t for s, t in transcript if s.startswith("PROMPT")] == [OFFER, CODE, NEW]
    assert sandbox.shadow.read_bytes() == before
    assert codes_left(sandbox, "alice") == 10
    last = audit(sandbox, "alice")[-1]
    assert (last["event"], last["result"]) == ("reset_abandoned", "fail")
    assert last["detail"] == "conversation ended at new password; proved recovery_code, still usable"
    assert codes[0] not in json.dumps(audit(sandbox, "alice"))
    # The same code completes the next reset, and is spent by it.
    assert completes(sandbox, codes[0])
    assert codes_left(sandbox, "alice") == 9
    assert audit(sandbox, "alice")[-1]["event"] == "reset"


def test_a_reset_refused_by_quality_leaves_the_code_usable(sandbox):
    sandbox.policy("helpdesk = Call 555-0100\n")
    codes = enrol_codes(sandbox, "alice")
    before = sandbox.shadow.read_bytes()
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", CODE: codes[0], NEW: "short", RETYPE: "short"}))
    assert results["authenticate"] == PAM_MAXTRIES
    errors = [t for s, t in transcript if s == "ERROR"]
    assert [e for e in errors if e.startswith("BAD PASSWORD: The password is shorter than")] and len(errors) == 6
    assert errors[3:] == ["Too many attempts.",
                          "Your password was not changed, and the codes you entered were not used up.", "Call 555-0100"]
    assert sandbox.shadow.read_bytes() == before
    assert codes_left(sandbox, "alice") == 10
    last = audit(sandbox, "alice")[-1]
    assert (last["event"], last["detail"]) == ("reset_failed", "password refused; proved recovery_code, still usable")
    assert completes(sandbox, codes[0])


def test_two_resets_holding_one_code_exactly_one_succeeds(sandbox):
    """Both conversations check the same code (neither spends it) and wait at "Retype new password:"; released
    together, exactly one changes the password, the other is told and changes nothing."""
    codes = enrol_codes(sandbox, "alice")
    runs, passwords = [], ["Race-first-Pw-1", "Race-second-Pw-2"]
    for pw in passwords:
        r = PamRun(sandbox.driver, sandbox.confdir, "login", "alice")
        assert r.answer({OFFER: "yes", CODE: codes[0], NEW: pw}, until=RETYPE) == RETYPE, r.transcript
        runs.append(r)
    for r, pw in zip(runs, passwords):
        r.reply(pw)
    results = [r.finish()["authenticate"] for r in runs]
    assert sorted(results) == [PAM_SUCCESS, PAM_AUTHTOK_ERR], results
    win = results.index(PAM_SUCCESS)
    assert verify(hash_of(sandbox.shadow.read_bytes(), "alice"), passwords[win])
    assert runs[1 - win].transcript[-1] == ("ERROR", "That code was just used by another password reset. Nothing was changed.")
    assert codes_left(sandbox, "alice") == 9
    events = [(a["event"], a["detail"]) for a in audit(sandbox, "alice")]
    assert ("reset_failed", "a proof was used by another reset meanwhile; proved recovery_code, still usable") in events


def test_the_last_wrong_proof_says_too_many_attempts_and_the_lock_its_zone(sandbox):
    enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", CODE: "AAAAA-AAAAA"}))
    assert [t for s, t in transcript if s == "ERROR"] == ["That was not right."] * 3 + ["Too many attempts."]
    assert results["authenticate"] == PAM_MAXTRIES
    assert audit(sandbox, "alice")[-1]["detail"] == "too many wrong proofs"
    sandbox.policy("max_failures = 4\n")
    transcript, _ = sandbox.pam("alice", Script({OFFER: "yes", CODE: "AAAAA-AAAAA"}))
    assert re.fullmatch(r"Password reset is locked until \d{4}-\d\d-\d\d \d\d:\d\d [A-Za-z0-9+-]+\.", transcript[-1][1]), transcript


def test_a_login_program_killed_at_new_password_leaves_the_code_usable(sandbox):
    """The application goes away (kill -9 of the PAM application) while the helper waits at "New password:":
    the helper sees its connection close, writes nothing, spends nothing and audits the reset as abandoned."""
    codes = enrol_codes(sandbox, "alice")
    before = sandbox.shadow.read_bytes()
    r = PamRun(sandbox.driver, sandbox.confdir, "login", "alice")
    assert r.answer({OFFER: "yes", CODE: codes[0]}, until=NEW) == NEW, r.transcript
    helpers = r.helper_pids()
    assert len(helpers) == 1
    r.proc.kill()  # the application only: the helper is left to notice
    r.proc.wait()
    for f in (r.proc.stdin, r.proc.stdout, r.proc.stderr):
        f.close()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{helpers[0]}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{helpers[0]}").exists(), "the helper ends with its caller"
    assert sandbox.shadow.read_bytes() == before
    assert codes_left(sandbox, "alice") == 10
    last = audit(sandbox, "alice")[-1]
    assert (last["event"], last["detail"]) == ("reset_abandoned", "conversation ended at new password; proved recovery_code, still usable")
    assert completes(sandbox, codes[0])
