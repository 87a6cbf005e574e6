"""The reset through real login programs (login, su, sshd keyboard-interactive, pamtester, and pamtester run as
the user like a screen locker) on a pseudo-terminal,
then a login with the new password through the real pam_unix; sudo -n and a conversation-less application
neither prompt nor hang. Each runs in its own mount + pid namespace (Tests/support/namespace_env.py); the host's files are
compared before and after."""
import pytest

from e2e_support import box, driver  # noqa: F401 (fixtures)
from e2e_support import MODULE, SSPR, host_state, run_ns

USER = "sspr-e2e-user"


@pytest.fixture
def host_unchanged():
    before = host_state()
    yield
    assert host_state() == before, "the host's account, PAM, log and store files are untouched"


def check_common(res, service):
    assert res["etc_is_copy"], "the namespace's /etc is the private copy"
    assert res["store"] == ["0o700", 0, "0o600", 0], "store directory 0700 and file 0600, root:root"
    assert res["new_works"] and not res["old_works"], "shadow holds the new password only"
    events = [(e, m, r, s) for e, m, r, s, _, _ in res["audit"]]
    assert ("offer", "", "yes", service) in events
    assert ("proof", "recovery_code", "pass", service) in events
    assert ("reset", "", "pass", service) in events
    assert res["secrets_in_syslog"] == 0, res["syslog"]
    # The module's audit line reaches syslog (authpriv), without a secret.
    assert any("pam_sspr" in l or "sspr" in l for l in res["syslog"]), res["syslog"]


@pytest.mark.parametrize("front,service", [("login", "login"), ("su", "su"), ("sshd", "sshd"),
                                           ("pamtester", "sspr-test"), ("locker", "kde")])
def test_reset_then_login_with_the_new_password(driver, host_unchanged, front, service):
    res = run_ns("ns_front_ends.py", MODULE, SSPR, driver, front)
    print(f"\n{front}: {res['seconds']} s; transcript of the reset:\n{res['transcripts']['reset']}")
    check_common(res, service)
    assert res["reset_exit"] == [0, None], res["transcripts"]
    assert res["new_exit"] == [0, None], res["transcripts"]
    if front == "sshd":
        rhosts = {rh for e, _, _, s, rh, _ in res["audit"] if s == "sshd"}
        assert rhosts == {"127.0.0.1"}, rhosts
    if front == "su":
        assert res["old_exit"][0] != 0, "su with the old password fails"
    if front == "login":
        assert res["old_refused"]
    if front == "locker":
        assert res["caller_uid_was"] != 0, "the PAM application ran as the user, not root"


def test_sudo_n_and_no_conversation_never_prompt_or_hang(driver, host_unchanged):
    res = run_ns("ns_front_ends.py", MODULE, SSPR, driver, "sudo")
    print("\n" + repr(res["sudo"]) + "\n" + repr(res["sudo_pty"]) + "\n" + repr(res["no_conv"]))
    for run in res["sudo"]:
        assert run["rc"] == 1 and run["seconds"] < 5, run
        assert "Forgot" not in run["stdout"] + run["stderr"] and "Password:" not in run["stdout"] + run["stderr"]
        assert "a password is required" in run["stderr"], run
    assert res["sudo_pty"]["exit"] == 1 and "Forgot" not in res["sudo_pty"]["text"], res["sudo_pty"]
    assert "Password:" not in res["sudo_pty"]["text"]
    assert res["no_conv"]["seconds"] < 5 and "PROMPT" not in res["no_conv"]["stdout"], res["no_conv"]
    assert "RESULT authenticate=" in res["no_conv"]["stdout"]
    assert res["no_conv"]["stdout"].strip() != "RESULT authenticate=0"
    assert res["sudo_ok"]["exit"] == 0 and res["sudo_ok"]["text"].strip().endswith("0"), res["sudo_ok"]
    assert res["old_works"], "nothing changed the password"
