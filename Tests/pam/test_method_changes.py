# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Changing methods needs a fresh proof (docs/security.md, "Changing methods"): once a user has methods, adding,
replacing or removing one through ssprd or the `sspr` command needs a proof of one of them on that connection
within ten minutes, not only the password; an admin acting on another account needs none. Replacing an e-mail
address tells the old address as well as the new one. Through the real ssprd, the CLI and a real SMTP server."""
import json

from conftest import set_password
from test_admin_rules import cli_as, make_helpdesk, IVAN
from test_daemon import ALICE, Daemon, err
from test_email_sms import body, code_in, raw_call, smtp  # noqa: F401  (smtp: the fixture)

PW = "Alice-pw-1\n"


def own_codes(sandbox, d):
    r = d.call(ALICE, 'Authenticate {"password": "Alice-pw-1"}', "GenerateRecoveryCodes")
    return r[1]["parameters"]["codes"]


def test_the_cli_asks_for_a_method_before_changing_methods(sandbox):
    set_password(sandbox.root, "alice", "Alice-pw-1")
    d = Daemon(sandbox)
    try:
        codes = own_codes(sandbox, d)  # the first method: the password is enough
        alice = cli_as(sandbox, ALICE)
        # The password alone (nothing more on stdin): refused, nothing changed.
        r = alice("add", "recovery-codes", stdin=PW)
        assert r.returncode != 0 and "first confirm it is you" in r.stderr, (r.stdout, r.stderr)
        # A wrong code: refused, and counted like a wrong proof.
        r = alice("add", "recovery-codes", stdin=PW + "ABCDE-FGHJK\n")
        assert r.returncode != 0 and "that code was not right" in r.stderr, (r.stdout, r.stderr)
        # One of her codes: the new codes come, and the one used is spent with the old set.
        r = alice("add", "recovery-codes", stdin=PW + codes[0] + "\n")
        assert r.returncode == 0, (r.stdout, r.stderr)
        new = [l.strip() for l in r.stdout.splitlines() if l.startswith("  ")]
        assert len(new) == 10 and codes[0] not in new
        # Removing needs the proof too.
        r = alice("remove", "recovery-codes", stdin=PW)
        assert r.returncode != 0
        r = alice("remove", "recovery-codes", stdin=PW + new[0] + "\n")
        assert r.returncode == 0, (r.stdout, r.stderr)
    finally:
        assert d.stop() == 0


def test_a_proof_lasts_for_its_connection_and_admins_need_none(sandbox):
    set_password(sandbox.root, "alice", "Alice-pw-1")
    make_helpdesk(sandbox)
    d = Daemon(sandbox)
    try:
        codes = own_codes(sandbox, d)
        r = d.call(ALICE, 'Authenticate {"password": "Alice-pw-1"}', "GenerateRecoveryCodes",
                   'ProveMethod {"method": "recovery_code", "code": "' + codes[1] + '"}', "GenerateRecoveryCodes",
                   'RemoveMethod {"method": "recovery_code"}')
        assert err(r[1]) == "ProofRequired" and r[1]["parameters"]["methods"] == ["recovery_code"]
        assert r[2] == {"parameters": {}} and len(r[3]["parameters"]["codes"]) == 10 and r[4] == {"parameters": {}}
        # A new connection starts without the proof; the helpdesk acting on alice needs none.
        codes = own_codes(sandbox, d)
        r = d.call(ALICE, 'Authenticate {"password": "Alice-pw-1"}', "GenerateRecoveryCodes")
        assert err(r[1]) == "ProofRequired"
        r = d.call(IVAN, 'Authenticate {"password": "Ivan-pw-1"}', 'GenerateRecoveryCodes {"user": "alice"}')
        assert len(r[1]["parameters"]["codes"]) == 10
    finally:
        assert d.stop() == 0


def test_replacing_the_e_mail_address_tells_the_old_one_too(sandbox, smtp):
    sandbox.policy(f"methods = totp,questions,recovery_code,email,tap\nmail_command = /usr/bin/msmtp --host=127.0.0.1 "
                   f"--port={smtp.port} --from=sspr@example.com --auth=off --tls=off -t\nmail_from = sspr@example.com\n")
    set_password(sandbox.root, "alice", "Alice-pw-1")
    d = Daemon(sandbox)
    try:
        r = raw_call(d.socket, "BeginContact", user="alice", method="email", destination="old@example.com")
        code = code_in(body(smtp.wait(1)[0]))
        assert raw_call(d.socket, "ConfirmContact", user="alice", method="email", code=code) == {"parameters": {}}
        n = len(smtp.wait(2))  # the code, the "method added" notice
        # Alice (or whoever holds her password) moves the address: first a code to the old address.
        r = d.call(ALICE, 'Authenticate {"password": "Alice-pw-1"}',
                   'BeginContact {"method": "email", "destination": "new@example.com"}',
                   'BeginProof {"method": "email"}')
        assert err(r[1]) == "ProofRequired" and r[2]["parameters"]["sent_to"] == "o***@example.com"
        msgs = smtp.wait(n + 1)
        assert msgs[n]["To"] == "old@example.com"
        proof = code_in(body(msgs[n]))
        r = d.call(ALICE, 'Authenticate {"password": "Alice-pw-1"}',
                   'ProveMethod ' + json.dumps({"method": "email", "code": proof}),
                   'BeginContact {"method": "email", "destination": "new@example.com"}')
        assert r[1] == {"parameters": {}} and r[2]["parameters"]["sent_to"] == "n***@example.com", r
        msgs = smtp.wait(n + 2)
        assert msgs[n + 1]["To"] == "new@example.com"
        new_code = code_in(body(msgs[n + 1]))
        # Confirming the code the new address got registers it (the proof was needed to start the change).
        r = d.call(ALICE, 'Authenticate {"password": "Alice-pw-1"}', 'ConfirmContact ' + json.dumps({"method": "email", "code": new_code}))
        assert r[1] == {"parameters": {}}, r
        # The "method added" notice goes to the new address and to the old one, which the real owner reads.
        msgs = smtp.wait(n + 3)
        notice = msgs[n + 2]
        recipients = {a.strip() for a in (notice["To"] or "").split(",")}
        assert {"new@example.com", "old@example.com"} <= recipients, notice["To"]
        assert "method was added" in notice["Subject"]
    finally:
        assert d.stop() == 0
