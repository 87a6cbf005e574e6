"""A system without the cracklib dictionary, and one with it, both with Debian's stock pwquality.conf (issue 11):
a reset through the real pamtester in a private namespace. With the dictionary a dictionary word is refused;
without it the reset does not refuse every password (it checks every other rule and logs a warning), and
`sspr admin check` reports the missing dictionary as a problem."""
import hashlib
import subprocess
from pathlib import Path

import pytest

from e2e_support import MODULE, SSPR, run_ns

STOCK = Path("/etc/security/pwquality.conf")
DICTIONARY_WORD = "BAD PASSWORD: The password fails the dictionary check - it is based on a dictionary word"
TOO_SHORT = "BAD PASSWORD: The password is shorter than 8 characters"


@pytest.fixture(scope="module", autouse=True)
def stock_pwquality():
    """The host's pwquality.conf must be the one libpwquality-common installed (dpkg's recorded md5)."""
    conffiles = subprocess.run(["dpkg-query", "-W", "-f=${Conffiles}", "libpwquality-common"],
                               capture_output=True, text=True).stdout.split()
    recorded = conffiles[conffiles.index(str(STOCK)) + 1] if str(STOCK) in conffiles else None
    if recorded != hashlib.md5(STOCK.read_bytes()).hexdigest():
        pytest.skip(f"{STOCK} is not the stock file of libpwquality-common here")


def test_stock_pwquality_with_the_real_dictionary():
    res = run_ns("ns_dictionary.py", MODULE, SSPR, "present")
    assert res["etc_is_copy"] and res["pwquality"]
    assert res["dictionary"] and "cracklib_dict.pwd" in res["dictionary"], "apt-get install cracklib-runtime (make deps)"
    assert DICTIONARY_WORD in res["transcript"] and TOO_SHORT in res["transcript"]
    assert res["exit"] == 0 and res["new_works"]
    assert "ok: password quality /etc/security/pwquality.conf (dictionary check works)" in res["check"][1]
    assert res["syslog"] == []


def test_no_dictionary_does_not_refuse_every_password():
    res = run_ns("ns_dictionary.py", MODULE, SSPR, "missing")
    assert res["etc_is_copy"] and res["pwquality"] and res["dictionary"] in ([], None)
    assert DICTIONARY_WORD not in res["transcript"] and "error loading dictionary" not in res["transcript"]
    assert TOO_SHORT in res["transcript"]
    assert res["exit"] == 0 and res["new_works"]
    assert res["check"][0] == 1 and "problem: password quality (/etc/security/pwquality.conf)" in res["check"][1]
    assert any("error loading dictionary" in line for line in res["syslog"]), res["syslog"]
    assert ["reset", "pass"] in res["audit"]
