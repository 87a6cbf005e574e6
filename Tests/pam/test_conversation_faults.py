# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Every way an application's conversation function can misbehave, through the real libpam, at every prompt
of the reset (offer, proof, new password, retype). Each case asserts the module's exact return code (the stack
is `auth required pam_sspr.so`, so the driver sees the module's own code; PAM_IGNORE shows as
PAM_PERM_DENIED), that the driver process ended normally (no crash), that shadow is byte-identical (or, where
the reply is legitimately usable, that exactly the expected password was stored) and no temporary file is
left."""
import pytest

from stress_support import (OFFER, PAM_CONV_ERR, PAM_MAXTRIES, PAM_PERM_DENIED, PAM_SUCCESS,
                            PamRun, enrol_codes, hash_of, issue_pass, leftovers, only_changed, required_stack, verify)

NEW = "Brand-new-Pw-42"
PROOF = "Temporary access pass: "
POSITIONS = [OFFER, PROOF, "New password: ", "Retype new password: "]
# How a flow ends after the last wrong proof, and after the last refused password (nothing was used up).
WRONG_PROOFS = ["That was not right."] * 3 + ["Too many attempts."]
# A reply that cannot be a pass at all (empty, too long): refused without counting (docs/security.md).
NO_PROOFS = ["A temporary access pass has 16 letters and digits."] * 3 + ["Too many attempts."]
PASSWORD_ENDING = ["Too many attempts.", "Your password was not changed, and the codes you entered were not used up."]


def long_password(n):
    """A printable, non-palindromic password of exactly n bytes that passes the sandbox's quality rules."""
    base = "Aa1-Bb2_Cc3.Dd4+Ee5="
    s = (base * (n // len(base) + 1))[:n - 1] + "Z"
    assert len(s.encode()) == n
    return s


def run(box, replies):
    """One reset attempt with a reusable pass; `replies` maps prompt text -> reply (str/bytes/driver tuple).
    Prompts asked again (retries) get the same reply. Returns (driver, results, transcript)."""
    r = PamRun(box.driver, box.confdir, "login", "alice")
    r.answer(replies)
    results = r.finish()
    assert r.proc.returncode == 0, f"driver died: rc={r.proc.returncode} stderr={r.proc.stderr.read()!r}"
    assert "authenticate" in results, "pam_authenticate returned"
    return r, results["authenticate"], r.transcript


@pytest.fixture
def box(sandbox):
    required_stack(sandbox)
    sandbox.tap = issue_pass(sandbox, "alice", reusable=True)
    sandbox.before = sandbox.shadow.read_bytes()
    return sandbox


def normal(box):
    return {OFFER: "yes", PROOF: box.tap, "New password: ": NEW, "Retype new password: ": NEW}


def assert_untouched(box):
    assert box.shadow.read_bytes() == box.before, "shadow must be byte-identical"
    assert leftovers(box.root / "etc") == []


MISBEHAVIOURS = {
    "conv_err": ("E",),
    "null_reply_array": ("A",),
    "null_reply": ("N",),
    "invalid_utf8": b"\xffyes\xc3\x28",
    "overlong_utf8": b"\xc0\xafyes",
    "len_513": ("L", 513, 0x61),
    "len_64k": ("L", 64 * 1024, 0x61),
    "len_1m": ("L", 1024 * 1024, 0x61),
}


@pytest.mark.parametrize("position", POSITIONS, ids=["offer", "proof", "new", "retype"])
@pytest.mark.parametrize("kind", list(MISBEHAVIOURS))
def test_conversation_failure_fails_closed(box, position, kind):
    replies = normal(box)
    replies[position] = MISBEHAVIOURS[kind]
    r, code, transcript = run(box, replies)
    assert code == PAM_CONV_ERR
    # The flow stopped at that prompt: nothing asked after it, no "reset" message.
    prompts = [t for s, t in transcript if s.startswith("PROMPT")]
    assert prompts == POSITIONS[:POSITIONS.index(position) + 1]
    assert not any(s == "INFO" for s, _ in transcript)
    assert_untouched(box)
    # The next, well-behaved attempt still works (nothing was left locked or half done).
    _, code, _ = run(box, normal(box))
    assert code == PAM_SUCCESS and verify(hash_of(box.shadow.read_bytes(), "alice"), NEW)
    assert leftovers(box.root / "etc") == []


# ---- replies that are legal C strings but not what a user would type --------------------------------------

def test_nul_byte_in_offer_reads_as_empty_and_declines(box):
    replies = normal(box)
    replies[OFFER] = b"\x00yes"
    _, code, transcript = run(box, replies)
    assert code == PAM_PERM_DENIED and transcript == [("PROMPT_ON", OFFER)]
    assert_untouched(box)


def test_nul_byte_in_proof_is_no_proof(box):
    # The module sees the C string before the NUL: empty, which cannot be a pass (docs/security.md, "Clients that
    # replay"): refused three times without counting, then "Too many attempts".
    replies = normal(box)
    replies[PROOF] = b"\x00" + box.tap.encode()
    _, code, transcript = run(box, replies)
    assert code == PAM_MAXTRIES
    assert [t for s, t in transcript if s == "ERROR"] == NO_PROOFS
    assert_untouched(box)


def test_nul_byte_in_new_password_stores_the_c_string_prefix(box):
    # The conversation hands the module C strings: what follows a NUL never reaches it. Both replies carry the
    # same prefix, so the prefix (a valid password) is what gets set -- never the bytes after the NUL.
    replies = normal(box)
    replies["New password: "] = NEW.encode() + b"\x00tail-ignored"
    replies["Retype new password: "] = NEW.encode() + b"\x00other-tail"
    _, code, _ = run(box, replies)
    assert code == PAM_SUCCESS
    after = box.shadow.read_bytes()
    h = hash_of(after, "alice")
    assert verify(h, NEW) and not verify(h, NEW + "\x00tail-ignored".replace("\x00", ""))
    assert only_changed(box.before, after, ["alice"]) == {"alice"}


@pytest.mark.parametrize("position", POSITIONS, ids=["offer", "proof", "new", "retype"])
def test_empty_replies(box, position):
    replies = normal(box)
    replies[position] = ""
    _, code, transcript = run(box, replies)
    errors = [t for s, t in transcript if s == "ERROR"]
    if position == OFFER:
        assert code == PAM_PERM_DENIED and transcript == [("PROMPT_ON", OFFER)]
    elif position == PROOF:
        assert code == PAM_MAXTRIES and errors == NO_PROOFS
    elif position == "New password: ":
        # An empty new password is refused after the retype, three tries, then the flow ends.
        assert code == PAM_MAXTRIES and errors == ["No password has been supplied."] * 3 + PASSWORD_ENDING
    else:
        assert code == PAM_MAXTRIES and errors == ["Sorry, passwords do not match."] * 3 + PASSWORD_ENDING
    assert not any(s == "INFO" for s, _ in transcript)
    assert_untouched(box)


def test_longest_password_libcrypt_takes_works(box):
    # 511 bytes: the longest passphrase libcrypt hashes (CRYPT_MAX_PASSPHRASE_SIZE is 512 with the NUL).
    pw = long_password(511)
    replies = normal(box)
    replies["New password: "] = pw
    replies["Retype new password: "] = pw
    _, code, transcript = run(box, replies)
    assert code == PAM_SUCCESS, transcript
    after = box.shadow.read_bytes()
    assert verify(hash_of(after, "alice"), pw) and not verify(hash_of(after, "alice"), pw[:-1])
    assert only_changed(box.before, after, ["alice"]) == {"alice"}


def test_a_512_byte_password_is_refused_and_asked_again_before_anything_is_spent(box):
    # 512 bytes is a legal conversation reply (PAMHandle.maximumReplyBytes) but libcrypt refuses to hash it
    # (crypt_rn returns "*0"). It must be refused like a quality failure and asked again, not accepted and
    # then end the whole reset with "could not be changed; try again later" after the proof was used up.
    codes = enrol_codes(box, "alice")
    long_pw = long_password(512)
    passwords = iter([long_pw, long_pw, NEW, NEW])
    r = PamRun(box.driver, box.confdir, "login", "alice")
    r.answer({OFFER: "yes", "Choose a method [1-2]: ": "1", "Recovery code: ": codes[0],
              "New password: ": lambda: next(passwords),
              "Retype new password: ": lambda: next(passwords)})
    code = r.finish()["authenticate"]
    errors = [t for s, t in r.transcript if s == "ERROR"]
    assert errors == ["BAD PASSWORD: The password is longer than 511 bytes"]
    assert code == PAM_SUCCESS
    after = box.shadow.read_bytes()
    assert verify(hash_of(after, "alice"), NEW)
    assert only_changed(box.before, after, ["alice"]) == {"alice"}


@pytest.mark.parametrize("length", [511, 512])
def test_longest_allowed_replies_elsewhere_are_just_wrong(box, length):
    replies = normal(box)
    replies[OFFER] = "y" * length
    _, code, transcript = run(box, replies)
    assert code == PAM_PERM_DENIED and transcript == [("PROMPT_ON", OFFER)]
    replies = normal(box)
    replies[PROOF] = "A" * length
    _, code, transcript = run(box, replies)
    assert code == PAM_MAXTRIES and [t for s, t in transcript if s == "ERROR"] == NO_PROOFS
    assert_untouched(box)


@pytest.mark.parametrize("password", ["New:pass:word-42", "New\npass\nword-42", "a:b\nc:d\n:Ee-9\n", ":::\n\n\n:Zz9-x"],
                         ids=["colons", "newlines", "mixed", "leading"])
def test_newlines_and_colons_in_a_new_password(box, password):
    replies = normal(box)
    replies["New password: "] = password
    replies["Retype new password: "] = password
    _, code, transcript = run(box, replies)
    assert code == PAM_SUCCESS, transcript
    after = box.shadow.read_bytes()
    # The line stays one line with nine fields; only the hash and the last-change day differ.
    assert only_changed(box.before, after, ["alice"]) == {"alice"}
    old, new = (next(l for l in d.split(b"\n") if l.startswith(b"alice:")) for d in (box.before, after))
    assert new.count(b":") == old.count(b":") == 8
    assert new.split(b":")[3:] == old.split(b":")[3:]
    assert verify(new.split(b":")[1].decode(), password)
    assert leftovers(box.root / "etc") == []
