"""The cracklib dictionary behind pwquality.conf's dictcheck, through the real libpam and libpwquality: Debian's
stock pwquality.conf with the real dictionary (cracklib-runtime) refuses dictionary words; a dictionary that
cannot be loaded does not make every password fail and is noticed before any proof is asked."""
import hashlib
import subprocess
from pathlib import Path

import pytest

from conftest import Script
from stress_support import PAM_SUCCESS, hash_of, verify

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
CODE = "Recovery code: "
NEW, RETYPE = "New password: ", "Retype new password: "
STOCK = Path("/etc/security/pwquality.conf")
DICTIONARY = Path("/var/cache/cracklib/cracklib_dict.pwd")


def stock_pwquality():
    """Debian's stock file, as libpwquality-common installed it (its md5 is the one dpkg recorded)."""
    conffiles = subprocess.run(["dpkg-query", "-W", "-f=${Conffiles}", "libpwquality-common"],
                               capture_output=True, text=True).stdout.split()
    recorded = conffiles[conffiles.index(str(STOCK)) + 1] if str(STOCK) in conffiles else None
    data = STOCK.read_bytes()
    if recorded != hashlib.md5(data).hexdigest():
        pytest.skip(f"{STOCK} is not the stock file of libpwquality-common here")
    return data.decode()


def reset(sandbox, passwords):
    out = sandbox.sspr("admin", "enroll", "alice", "recovery-codes").stdout.decode().split("\n")
    code = [l.strip() for l in out[1:] if l.strip()][0]
    replies = iter(p for pw in passwords for p in (pw, pw))
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", CODE: code, NEW: lambda _: next(replies),
                                                      RETYPE: lambda _: next(replies)}))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert verify(hash_of(sandbox.shadow.read_bytes(), "alice"), passwords[-1])
    return [t for s, t in transcript if s == "ERROR"]


def test_stock_pwquality_with_the_real_dictionary_refuses_dictionary_words(sandbox):
    assert DICTIONARY.exists(), "the cracklib dictionary is missing: apt-get install cracklib-runtime (make deps)"
    (sandbox.root / "etc/security/pwquality.conf").write_text(stock_pwquality())
    errors = reset(sandbox, ["sunshine99", "Brand-new-Pw-42"])
    assert errors == ["BAD PASSWORD: The password fails the dictionary check - it is based on a dictionary word"]
    assert "ok: password quality" in sandbox.sspr("admin", "check", check=False).stdout.decode()


def test_a_missing_dictionary_does_not_refuse_every_password(sandbox):
    (sandbox.root / "etc/security/pwquality.conf").write_text(stock_pwquality() + "dictpath = /nonexistent/dict\n")
    errors = reset(sandbox, ["Short-1", "Brand-new-Pw-42"])
    assert errors == ["BAD PASSWORD: The password is shorter than 8 characters"], "every other rule still applies"
    check = sandbox.sspr("admin", "check", check=False)
    assert check.returncode == 1
    assert "problem: password quality" in check.stdout.decode() and "/nonexistent/dict" in check.stdout.decode()
