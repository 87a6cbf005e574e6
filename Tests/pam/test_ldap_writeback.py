# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""password_store = ldap (issue 13, part 5) through the real libpam, the real module and helper, and a real slapd
with slapo-ppolicy (Tests/support/slapd_server.py): the reset writes the directory with the Password Modify
operation and leaves /etc/shadow alone, ppolicy refusals are explained and asked again with the proofs unspent,
no pwdReset is left behind, and a directory that cannot be used ends the reset before any proof is asked."""
import json
import os
import shutil
import signal
import socket
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, Script, set_password
from stress_support import (PAM_AUTHINFO_UNAVAIL, PAM_AUTH_ERR, PAM_AUTHTOK_ERR, PAM_MAXTRIES, PAM_SUCCESS, PamRun,
                            required_stack)

sys.path.insert(0, str(REPO / "Tests" / "support"))
from slapd_server import OLD_PASSWORD, PEOPLE, RESET_DN, RESET_PASSWORD, slapd, slapd_manage  # noqa: E402,F401

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
CODE = "Recovery code: "
NEW, RETYPE = "New password: ", "Retype new password: "
PASSWORD = "Brand-new-Pw-42"
NOT_NOW = "Password reset is not available right now."
NOT_AVAILABLE = "Password reset is not available for this account."
HELPDESK = "Call 555-0100"
SECRET = "/etc/security/sspr-ldap.secret"
CA = "/etc/security/sspr-ldap-ca.pem"


def use_directory(sandbox, server, uri=None, password=RESET_PASSWORD, mode=0o600, ca_file=None, extra=""):
    """The sandbox's policy points at `server` (StartTLS by default) with the reset account's password file."""
    secret = sandbox.root / SECRET.lstrip("/")
    secret.write_text(password + "\n")
    os.chmod(secret, mode)
    shutil.copy(ca_file or server.ca_file, sandbox.root / CA.lstrip("/"))
    sandbox.policy(f"""password_store = ldap
ldap_uri = {uri or server.ldap_uri}
ldap_base = {PEOPLE}
ldap_bind_dn = {RESET_DN}
ldap_bind_password_file = {SECRET}
ldap_ca_file = {CA}
ldap_timeout = 2s
helpdesk = {HELPDESK}
{extra}""")


def enrol_codes(sandbox, user):
    required_stack(sandbox)
    out = sandbox.sspr("admin", "enroll", user, "recovery-codes").stdout.decode().split("\n")
    return [l.strip() for l in out[1:] if l.strip()]


def codes_left(sandbox, user):
    report = json.loads(sandbox.sspr("admin", "report", "--json").stdout)
    return next(r for r in report if r["user"] == user)["recovery_codes_left"]


def last_audit(sandbox, user):
    return json.loads(sandbox.sspr("admin", "audit", "--user", user, "--json").stdout)[-1]


def prompts(transcript):
    return [t for s, t in transcript if s.startswith("PROMPT")]


def errors(transcript):
    return [t for s, t in transcript if s == "ERROR"]


def reset(sandbox, code, *passwords, user="alice"):
    """A reset that answers the code and then each password in turn (typed twice)."""
    queue = list(passwords)
    current = {}

    def new(_):
        current["pw"] = queue.pop(0)
        return current["pw"]
    return sandbox.pam(user, Script({OFFER: "yes", CODE: code, NEW: new, RETYPE: lambda _: current["pw"]}))


@pytest.mark.parametrize("scheme", ["ldap", "ldaps", "ldapi"])
def test_a_reset_writes_the_directory_and_leaves_shadow_alone(sandbox, slapd, scheme):
    use_directory(sandbox, slapd, uri={"ldap": slapd.ldap_uri, "ldaps": slapd.ldaps_uri, "ldapi": slapd.ldapi_uri}[scheme])
    codes = enrol_codes(sandbox, "alice")
    shadow = sandbox.shadow.read_bytes()
    transcript, results = reset(sandbox, codes[0], PASSWORD)
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert ("INFO", "Your password has been reset.") in transcript
    assert prompts(transcript) == [OFFER, CODE, NEW, RETYPE]
    assert slapd.whoami("alice", PASSWORD) and not slapd.whoami("alice", OLD_PASSWORD)
    # slapo-ppolicy with pwdMustChange TRUE would set pwdReset on an administrator's change: none here.
    state = slapd.attributes("alice", "pwdReset", "pwdChangedTime")
    assert "pwdReset" not in state and "pwdChangedTime" in state
    # No shadow write at all: the same bytes, no backup, no lock left, no opasswd.
    assert sandbox.shadow.read_bytes() == shadow
    assert not (sandbox.root / "etc/shadow-").exists() and not (sandbox.root / "etc/security/opasswd").exists()
    assert codes_left(sandbox, "alice") == 9
    assert last_audit(sandbox, "alice")["event"] == "reset"
    assert PASSWORD not in sandbox.sspr("admin", "audit", "--user", "alice").stdout.decode()


def test_an_earlier_pwdreset_is_cleared_by_the_reset(sandbox, slapd):
    """An administrator's old "must change" mark goes: the reset is the user's own choice of password."""
    slapd.modify(f"dn: {slapd.user_dn('alice')}\nchangetype: modify\nreplace: pwdReset\npwdReset: TRUE\n")
    assert slapd.attributes("alice", "pwdReset") == {"pwdReset": ["TRUE"]}
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    _, results = reset(sandbox, codes[0], PASSWORD)
    assert results["authenticate"] == PAM_SUCCESS
    assert "pwdReset" not in slapd.attributes("alice", "pwdReset")


def test_a_reset_account_with_manage_access_leaves_no_pwdreset_either(sandbox, slapd_manage):
    """The misconfiguration: manage access makes the reset account a password administrator, so ppolicy sets
    pwdReset (and skips pwdMinLength); sspr finds the flag after the write and removes it."""
    use_directory(sandbox, slapd_manage)
    codes = enrol_codes(sandbox, "alice")
    _, results = reset(sandbox, codes[0], PASSWORD)
    assert results["authenticate"] == PAM_SUCCESS
    assert slapd_manage.whoami("alice", PASSWORD)
    assert "pwdReset" not in slapd_manage.attributes("alice", "pwdReset")


def test_too_short_for_the_directory_is_explained_and_asked_again(sandbox, slapd):
    """Stock pwquality.conf (minlen 8, dictionary on) accepts a 10-character password; the directory's
    pwdMinLength 12 refuses it. The user hears why, is asked again, and the code is spent once, by the write
    that worked."""
    shutil.copy("/etc/security/pwquality.conf", sandbox.root / "etc/security/pwquality.conf")
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    short = "Qx7-mZp2vL"
    transcript, results = reset(sandbox, codes[0], short, PASSWORD)
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert prompts(transcript) == [OFFER, CODE, NEW, RETYPE, NEW, RETYPE]
    assert errors(transcript) == ["BAD PASSWORD: The password is shorter than the directory's password policy allows"]
    assert slapd.whoami("alice", PASSWORD) and not slapd.whoami("alice", short)
    assert codes_left(sandbox, "alice") == 9


def test_a_recent_password_is_refused_by_the_directory_history(sandbox, slapd):
    recent = "Recent-pass-77x"
    slapd.set_password_as_user("alice", OLD_PASSWORD, recent)  # OLD_PASSWORD is now in pwdHistory
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    transcript, results = reset(sandbox, codes[0], OLD_PASSWORD, recent, PASSWORD)
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert errors(transcript) == ["Password has been already used. Choose another."] * 2
    assert slapd.whoami("alice", PASSWORD)
    assert codes_left(sandbox, "alice") == 9


def test_three_refusals_end_the_reset_with_the_code_unspent(sandbox, slapd):
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    short = "Short-pw-9x"
    transcript, results = reset(sandbox, codes[0], short, short, short)
    assert results["authenticate"] == PAM_MAXTRIES
    assert errors(transcript)[-4:] == ["BAD PASSWORD: The password is shorter than the directory's password policy allows",
                                       "Too many attempts.",
                                       "Your password was not changed, and the codes you entered were not used up.", HELPDESK]
    assert slapd.whoami("alice", OLD_PASSWORD)
    assert codes_left(sandbox, "alice") == 10
    last = last_audit(sandbox, "alice")
    assert (last["event"], last["detail"]) == ("reset_failed", "the directory refused the password: too short; proved recovery_code, still usable")
    # The same code still completes a reset.
    _, results = reset(sandbox, codes[0], PASSWORD)
    assert results["authenticate"] == PAM_SUCCESS and codes_left(sandbox, "alice") == 9


def assert_not_available_now(sandbox, transcript, results, codes):
    """The end every unusable directory gets: before any proof, the same words, the code still unspent."""
    assert prompts(transcript) == [OFFER]
    assert errors(transcript) == [NOT_NOW, HELPDESK]
    assert results["authenticate"] == PAM_AUTHINFO_UNAVAIL
    assert codes_left(sandbox, "alice") == len(codes)
    last = last_audit(sandbox, "alice")
    assert last["event"] == "reset_failed" and last["detail"].startswith("password store unavailable: "), last
    return last["detail"]


def test_slapd_stopped_ends_the_reset_before_any_proof(sandbox, slapd):
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    shadow = sandbox.shadow.read_bytes()
    slapd.stop()
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
    detail = assert_not_available_now(sandbox, transcript, results, codes)
    assert "Can't contact LDAP server" in detail
    assert sandbox.shadow.read_bytes() == shadow


def test_a_server_that_never_answers_is_bounded_by_ldap_timeout(sandbox, slapd):
    """A port that accepts and then says nothing: ldap_timeout (2 s here) ends the StartTLS wait."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        use_directory(sandbox, slapd, uri=f"ldap://127.0.0.1:{silent.getsockname()[1]}")
        codes = enrol_codes(sandbox, "alice")
        started = time.monotonic()
        transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
        elapsed = time.monotonic() - started
    assert_not_available_now(sandbox, transcript, results, codes)
    assert 1.5 < elapsed < 6, elapsed  # ended by the 2 s timeout, not by anything else


def test_a_directory_frozen_during_the_proofs_costs_no_proof(sandbox, slapd):
    """slapd answers the account check, then stops answering (SIGSTOP) while the user types the new password:
    the connect before the spend times out after ldap_timeout, nothing is spent, the password is unchanged."""
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    r = PamRun(sandbox.driver, sandbox.confdir, "login", "alice")
    assert r.answer({OFFER: "yes", CODE: codes[0], NEW: PASSWORD}, until=RETYPE) == RETYPE, r.transcript
    os.kill(slapd.proc.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        r.reply(PASSWORD)
        results = r.finish()
        elapsed = time.monotonic() - started
    finally:
        os.kill(slapd.proc.pid, signal.SIGCONT)
    assert results["authenticate"] == PAM_AUTHINFO_UNAVAIL
    # A directory that stops answering is a passing problem, whenever it happens: the same words as before a proof.
    assert errors(r.transcript) == ["Password reset is not available right now.", HELPDESK]
    assert 1.5 < elapsed < 6, elapsed
    assert codes_left(sandbox, "alice") == 10
    assert slapd.whoami("alice", OLD_PASSWORD)
    last = last_audit(sandbox, "alice")
    assert last["event"] == "reset_failed" and last["detail"].endswith("proved recovery_code, still usable"), last


def test_a_wrong_reset_account_password_ends_the_reset_before_any_proof(sandbox, slapd):
    use_directory(sandbox, slapd, password="not-the-password")
    codes = enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
    detail = assert_not_available_now(sandbox, transcript, results, codes)
    assert "Invalid credentials" in detail and "not-the-password" not in detail
    assert slapd.whoami("alice", OLD_PASSWORD)


@pytest.mark.parametrize("scheme", ["ldap", "ldaps"])
def test_a_certificate_from_another_ca_ends_the_reset_before_any_proof(sandbox, slapd, scheme):
    use_directory(sandbox, slapd, uri=slapd.ldap_uri if scheme == "ldap" else slapd.ldaps_uri, ca_file=slapd.other_ca_file)
    codes = enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
    detail = assert_not_available_now(sandbox, transcript, results, codes)
    assert ("StartTLS failed" if scheme == "ldap" else "connect failed") in detail, detail


def test_a_missing_ca_file_ends_the_reset_before_any_proof(sandbox, slapd):
    use_directory(sandbox, slapd)
    (sandbox.root / CA.lstrip("/")).unlink()
    codes = enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
    detail = assert_not_available_now(sandbox, transcript, results, codes)
    assert "new TLS context" in detail, detail


def test_a_password_file_others_can_read_is_refused(sandbox, slapd):
    use_directory(sandbox, slapd, mode=0o644)
    codes = enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
    detail = assert_not_available_now(sandbox, transcript, results, codes)
    assert "mode 0644" in detail
    check = sandbox.sspr("admin", "check", check=False).stdout.decode()
    assert f"problem: password store unavailable: ldap_bind_password_file {sandbox.root}{SECRET} has mode 0644; group and " \
           "others must not read or write it (chmod 0600)" in check


def test_admin_check_reports_the_directory(sandbox, slapd):
    use_directory(sandbox, slapd)
    check = sandbox.sspr("admin", "check", check=False).stdout.decode()
    assert f"ok: password store: ldap {slapd.ldap_uri}, TLS (StartTLS), CA {sandbox.root}{CA}" in check
    assert f"ok: ldap_bind_password_file {sandbox.root}{SECRET} (owner root, mode 0600)" in check
    assert f"ok: bind as the reset account {RESET_DN}: OK" in check
    use_directory(sandbox, slapd, password="wrong")
    check = sandbox.sspr("admin", "check", check=False).stdout.decode()
    assert f"problem: bind as the reset account {RESET_DN} failing" in check and "Invalid credentials" in check


def test_a_locked_directory_account_gets_the_not_available_words(sandbox, slapd):
    slapd.modify(f"dn: {slapd.user_dn('alice')}\nchangetype: modify\nadd: pwdAccountLockedTime\n"
                 "pwdAccountLockedTime: 000001010000Z\n")
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
    assert prompts(transcript) == [OFFER] and errors(transcript) == [NOT_AVAILABLE, HELPDESK]
    assert results["authenticate"] == PAM_AUTH_ERR
    assert codes_left(sandbox, "alice") == len(codes)


def test_an_expired_directory_account_gets_the_not_available_words(sandbox, slapd):
    slapd.modify(f"dn: {slapd.user_dn('alice')}\nchangetype: modify\nreplace: shadowExpire\nshadowExpire: 1\n")
    use_directory(sandbox, slapd)
    enrol_codes(sandbox, "alice")
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes"}))
    assert prompts(transcript) == [OFFER] and errors(transcript) == [NOT_AVAILABLE, HELPDESK]


def test_a_local_user_without_a_directory_entry_gets_the_not_available_words(sandbox, slapd):
    use_directory(sandbox, slapd)
    enrol_codes(sandbox, "judy")  # a local account; the directory has no uid=judy
    transcript, results = sandbox.pam("judy", Script({OFFER: "yes"}))
    assert prompts(transcript) == [OFFER] and errors(transcript) == [NOT_AVAILABLE, HELPDESK]
    assert results["authenticate"] == PAM_AUTH_ERR


def test_the_policy_refuses_ldap_without_its_keys(sandbox):
    sandbox.policy("password_store = ldap\nldap_uri = ldap://127.0.0.1:1\n")
    check = sandbox.sspr("admin", "check", check=False).stdout.decode()
    for key in ("ldap_base", "ldap_bind_dn", "ldap_bind_password_file"):
        assert f"password_store = ldap needs {key}" in check
    assert "ldap_uri ldap://127.0.0.1:1 uses StartTLS and needs ldap_ca_file" in check


def test_a_hostile_user_name_matches_no_other_entry(slapd):
    """What the filters LDAPFilter builds (DirectoryPolicyTests.theUserNameIsEscapedPerRFC4515) mean to the real
    server: the escaped `*` and `alice)(uid=*` match nothing, where the unescaped (uid=*) matches every user."""
    from slapd_server import ROOT_DN, ROOT_PASSWORD
    import subprocess
    def count(filter_):
        r = subprocess.run(["ldapsearch", "-x", "-LLL", "-H", slapd.ldapi_uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD, "-b", PEOPLE,
                            filter_, "dn"], capture_output=True, text=True, check=True)
        return r.stdout.count("dn: ")
    assert count("(uid=*)") == 4
    assert count("(uid=\\2a)") == 0
    assert count("(uid=alice\\29\\28uid=\\2a)") == 0


def test_a_password_too_young_for_the_directory_ends_the_reset_with_the_code_unspent(sandbox, slapd):
    """pwdMinAge: the reset account's change counts as the user's own, so a password changed a moment ago may
    not change again; the user cannot fix that by choosing another, so the reset ends."""
    slapd.modify("dn: cn=default,ou=policies,dc=example,dc=org\nchangetype: modify\nreplace: pwdMinAge\npwdMinAge: 3600\n")
    slapd.set_password_as_user("alice", OLD_PASSWORD, "Recent-pass-77x")
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    transcript, results = reset(sandbox, codes[0], PASSWORD)
    assert results["authenticate"] == PAM_AUTHTOK_ERR
    assert prompts(transcript) == [OFFER, CODE, NEW, RETYPE]
    assert errors(transcript) == ["The password was changed too recently to be changed again. Try again later.",
                                  "Your password was not changed, and the codes you entered were not used up.", HELPDESK]
    assert slapd.whoami("alice", "Recent-pass-77x")
    assert codes_left(sandbox, "alice") == 10
    last = last_audit(sandbox, "alice")
    assert (last["event"], last["detail"]) == ("reset_failed",
                                               "the directory refused the change: password too young; proved recovery_code, still usable")


def test_ssprd_checks_the_current_password_against_the_directory(sandbox, slapd):
    """With the password in the directory, a user proves they know it to ssprd by a bind as their own entry:
    the directory's password passes, the (stale) shadow hash does not, and a directory that is down is not
    counted as a wrong password."""
    from test_daemon import ALICE, Daemon, err
    use_directory(sandbox, slapd)
    sandbox.sspr("admin", "init")
    daemon = Daemon(sandbox, "--message-timeout", "10")
    try:
        # The sandbox's shadow gets another hash for alice: only the directory's password may pass.
        set_password(sandbox.root, "alice", "Shadow-only-pw-7")
        wrong, right = daemon.call(ALICE, 'Authenticate {"password": "Shadow-only-pw-7"}',
                                   f'Authenticate {{"password": "{OLD_PASSWORD}"}}')
        assert err(wrong) != "" and err(right) == "", (wrong, right)
        assert daemon.call(ALICE, 'Authenticate {"password": ""}')[0].get("error"), "an empty password never binds"
        slapd.stop()
        down = daemon.call(ALICE, f'Authenticate {{"password": "{OLD_PASSWORD}"}}')[0]
        assert err(down) == "StoreUnavailable", down
        audit = json.loads(sandbox.sspr("admin", "audit", "--user", "alice", "--json").stdout)
        assert [r["result"] for r in audit if r["event"] == "authenticate"] == ["fail", "pass", "fail"]
    finally:
        assert daemon.stop() == 0


# --- the right entry, and a write whose answer is lost (docs/security.md, "The right directory entry") ---

def add_local_account(sandbox, name, uid):
    with open(sandbox.root / "etc/passwd", "a") as f:
        f.write(f"{name}:x:{uid}:{uid}:{name}:/home/x:/bin/bash\n")
    with open(sandbox.root / "etc/shadow", "a") as f:
        f.write(f"{name}:!:19000:0:99999:7:::\n")
    set_password(sandbox.root, name, "Old-password-1")


@pytest.mark.parametrize("name", ["Alice", "\uff41lice", "alice\u00a0"])
def test_a_local_name_that_only_matches_under_ldap_rules_writes_nothing(sandbox, slapd, name):
    """uid is caseIgnoreMatch: these names find uid=alice's entry, which has no uid byte-identical to them."""
    add_local_account(sandbox, name, 1020)
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, name)
    transcript, results = reset(sandbox, codes[0], PASSWORD, user=name)
    assert results["authenticate"] != PAM_SUCCESS
    assert NOT_AVAILABLE in errors(transcript) and CODE not in prompts(transcript)
    assert slapd.whoami("alice", OLD_PASSWORD)
    assert codes_left(sandbox, name) == 10


def test_an_entry_with_another_uid_number_is_not_written_unless_the_policy_relaxes_it(sandbox, slapd):
    slapd.modify(f"dn: {slapd.user_dn('alice')}\nchangetype: modify\nreplace: uidNumber\nuidNumber: 2001\n")
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    transcript, results = reset(sandbox, codes[0], PASSWORD)
    assert results["authenticate"] != PAM_SUCCESS and NOT_AVAILABLE in errors(transcript)
    assert slapd.whoami("alice", OLD_PASSWORD)
    use_directory(sandbox, slapd, extra="ldap_match_uid_number = no\n")
    transcript, results = reset(sandbox, codes[0], PASSWORD)
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert slapd.whoami("alice", PASSWORD)


def test_the_audit_names_the_entry_written(sandbox, slapd):
    use_directory(sandbox, slapd)
    codes = enrol_codes(sandbox, "alice")
    transcript, results = reset(sandbox, codes[0], PASSWORD)
    assert results["authenticate"] == PAM_SUCCESS, transcript
    last = last_audit(sandbox, "alice")
    assert last["event"] == "reset" and last["detail"].endswith(f"; entry {slapd.user_dn('alice')}"), last


PASSWORD_MODIFY_OID = b"1.3.6.1.4.1.4203.1.11.1"


class LosingProxy:
    """A unix-socket proxy in front of slapd's ldapi socket (plain LDAP, so it sees the operations): it forwards
    everything, except that once a client sends a Password Modify request, the server's answers on that
    connection are dropped (the write happens; its answer is lost). With `refuse_after`, every connection opened
    after that moment is closed at once (the directory cannot be asked again)."""

    def __init__(self, directory, target, refuse_after=False):
        import threading
        self.path = str(Path(directory) / "proxy.sock")
        self.target, self.refuse_after, self.lost = target, refuse_after, threading.Event()
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(self.path)
        self.listener.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self):
        import urllib.parse
        return "ldapi://" + urllib.parse.quote(self.path, safe="")

    def _accept(self):
        import threading
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refuse_after and self.lost.is_set():
                client.close()
                continue
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.target)
            state = {"dropping": False}
            threading.Thread(target=self._pipe, args=(client, server, state, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, state, False), daemon=True).start()

    def _pipe(self, src, dst, state, upstream):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if upstream and PASSWORD_MODIFY_OID in data:
                    state["dropping"] = True
                    self.lost.set()
                if not upstream and state["dropping"]:
                    continue
                dst.sendall(data)
        except OSError:
            pass

    def close(self):
        self.listener.close()


def reset_losing_the_answer(sandbox, slapd, directory, refuse_after=False):
    """A reset with a code whose Password Modify answer the proxy drops; returns (proxy, transcript, results)."""
    proxy = LosingProxy(directory, str(slapd.socket), refuse_after=refuse_after)
    try:
        use_directory(sandbox, slapd, uri=proxy.uri)
        codes = enrol_codes(sandbox, "alice")
        transcript, results = reset(sandbox, codes[0], PASSWORD)
    finally:
        proxy.close()
    return proxy, transcript, results


def test_a_lost_answer_to_the_write_is_checked_before_anything_is_given_back(sandbox, slapd, tmp_path):
    """The write reaches slapd, its answer never comes back: sspr binds with the new password, finds it is the
    password now, and the reset completes (the code spent, the reset audited), instead of "nothing changed"."""
    proxy, transcript, results = reset_losing_the_answer(sandbox, slapd, tmp_path)
    assert proxy.lost.is_set(), "the proxy saw the write"
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert ("INFO", "Your password has been reset.") in transcript
    assert slapd.whoami("alice", PASSWORD)
    assert codes_left(sandbox, "alice") == 9
    assert last_audit(sandbox, "alice")["event"] == "reset"


def test_a_lost_answer_that_cannot_be_checked_says_the_password_may_have_changed(sandbox, slapd, tmp_path):
    """The answer is lost and the directory cannot be asked again: the user hears the password may have changed,
    the code stays spent, and the reset is audited (result unknown) with its notice queued."""
    proxy, transcript, results = reset_losing_the_answer(sandbox, slapd, tmp_path, refuse_after=True)
    assert proxy.lost.is_set(), "the proxy saw the write"
    assert results["authenticate"] != PAM_SUCCESS
    assert errors(transcript)[0].startswith("Your password may have been changed"), transcript
    assert "Your password could not be changed. Nothing was changed; try again later." not in errors(transcript)
    assert slapd.whoami("alice", PASSWORD), "the write did happen"
    assert codes_left(sandbox, "alice") == 9, "the code that may have changed it is not handed out again"
    last = last_audit(sandbox, "alice")
    assert (last["event"], last["result"]) == ("reset", "unknown"), last
