"""What the caller of su can do to the mail sender and to the notice (issue 11): nothing. See
ns_sender_identity.py for the scenario."""
import subprocess

from e2e_support import box, driver  # noqa: F401 (fixtures)
from e2e_support import MODULE, SSPR, host_state, run_ns


def test_su_caller_controls_neither_the_sender_nor_the_notice(driver):
    before = host_state()
    res = run_ns("ns_sender_identity.py", MODULE, SSPR, driver)
    assert host_state() == before
    assert res["etc_is_copy"] and res["registered"] == 0, res["transcripts"]
    record = res["sender_record"]
    assert res["attack_mails"] == 1, res["transcripts"]
    status = dict(l.split(":", 1) for l in record.split("== cwd")[0].splitlines()[1:])
    assert status["Uid"].split() == ["0"] * 4 and status["Gid"].split() == ["0"] * 4, status
    assert record.split("== cwd\n")[1].split("\n")[0] == "/"
    env = record.split("== env\n")[1].split("== limits")[0].splitlines()
    assert "HOME=/root" in env and not any(v.startswith(("MSMTPRC=", "TZ=", "MAILRC=", "LD_")) for v in env), env
    limits = record.split("== limits\n")[1].split("== message")[0].split()
    assert limits[0] == "unlimited", "the caller's file-size limit does not reach the sender"
    assert "Pacific/Kiritimati" not in record and "+14" not in record.split("== message")[1]
    assert res["preload"] is None, "/etc/ld.so.preload untouched"
    # su was killed at the success line; the notice went out anyway.
    assert res["new_works"]
    assert "your password was reset" in res["notice"] and "victim@example.com" in res["notice"], res["transcripts"]
    # The notice's time is on the machine's clock (/etc/localtime), not on the caller's TZ (Kiritimati, +14).
    when = next(l for l in res["notice"].splitlines() if l.startswith("When:"))
    zone = subprocess.run(["date", "+%Z"], env={}, capture_output=True, text=True, check=True).stdout.strip()
    assert f" {zone} (" in when and "+14" not in when, when
