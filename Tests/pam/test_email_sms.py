# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Codes by e-mail through a real SMTP server (aiosmtpd on loopback) and Debian's msmtp as mail_command, and by
SMS through a recording sms_command: registration, a reset through the real libpam, notifications."""
import email
import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import SSPR, Script, set_password, store_rows
from test_daemon import Daemon, err

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
NEW = "Brand-new-Pw-42"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def smtp(tmp_path):
    """A real SMTP server on loopback delivering into a maildir."""
    port = free_port()
    maildir = tmp_path / "maildir"
    proc = subprocess.Popen(["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)

    class Box:
        def __init__(self):
            self.port, self.maildir = port, maildir

        def messages(self):
            new = maildir / "new"
            files = sorted(new.iterdir(), key=lambda p: p.stat().st_mtime_ns) if new.exists() else []
            return [email.message_from_bytes(f.read_bytes()) for f in files]

        def wait(self, count, timeout=15):
            for _ in range(int(timeout * 10)):
                msgs = self.messages()
                if len(msgs) >= count:
                    return msgs
                time.sleep(0.1)
            raise AssertionError(f"{len(self.messages())} messages, expected {count}")

    yield Box()
    proc.terminate()
    proc.wait()


def code_in(text):
    m = re.search(r"\b(\d{6})\b", text)
    assert m, text
    return m.group(1)


def body(msg):
    return msg.get_payload(decode=True).decode()


def raw_call(sock_path, varlink_method, **params):
    s = socket.socket(socket.AF_UNIX)
    s.connect(str(sock_path))
    s.sendall(json.dumps({"method": "io.sspr.Registration." + varlink_method, "parameters": params}).encode() + b"\0")
    buf = b""
    while not buf.endswith(b"\0"):
        buf += s.recv(65536)
    s.close()
    return json.loads(buf[:-1])


def test_email_registration_reset_and_notices(sandbox, smtp):
    sandbox.policy(f"methods = totp,questions,recovery_code,email,tap\nmail_command = /usr/bin/msmtp --host=127.0.0.1 --port={smtp.port} --from=sspr@example.com --auth=off --tls=off -t\n"
                   "mail_from = sspr@example.com\nhost_label = the lab\nhelpdesk = Call 555-0100\n")
    set_password(sandbox.root, "alice", "Alice-pw-1")
    d = Daemon(sandbox)
    try:
        # Registration as root acting for alice: a code goes to the new address; it is kept only with that code.
        r = raw_call(d.socket, "BeginContact", user="alice", method="email", destination="Alice@Example.com")
        assert r["parameters"]["sent_to"] == "A***@example.com"
        msgs = smtp.wait(1)
        assert msgs[0]["To"] == "Alice@example.com" and msgs[0]["From"] == "sspr@example.com"
        code = code_in(body(msgs[0]))
        assert err(raw_call(d.socket, "ConfirmContact", user="alice", method="email", code="000000")) == "InvalidCode"
        assert raw_call(d.socket, "ConfirmContact", user="alice", method="email", code=code) == {"parameters": {}}
        notice = smtp.wait(2)[1]
        assert "A password reset method was added" in body(notice) and "Call 555-0100" in body(notice)
    finally:
        assert d.stop() == 0
    # A reset at the login prompt with the e-mailed code.
    before = len(smtp.messages())
    asked = []

    def mailed_code(text):
        asked.append(text)
        return code_in(body(smtp.wait(before + 1)[before]))

    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Press Enter to send a code to A***@example.com: ": "",
                                                       "Code sent to A***@example.com: ": mailed_code,
                                                       "New password: ": NEW, "Retype new password: ": NEW}), extra=("--tty", "tty7"))
    assert results["authenticate"] == 0, transcript
    assert asked == ["Code sent to A***@example.com: "]
    msgs = smtp.wait(before + 2)
    reset_notice = msgs[before + 1]
    text = body(reset_notice)
    assert reset_notice["Subject"] == "Security notice: your password was reset"
    assert "Alice@example.com" in reset_notice["To"] and "alice" in reset_notice["To"]
    assert "service login, terminal tty7" in text and "the lab" in text and "If this was not you" in text
    assert NEW not in text


def test_admin_reset_notifies_admin_mail(sandbox, smtp):
    sandbox.policy(f"methods = totp,questions,recovery_code,email,tap\nmail_command = /usr/bin/msmtp --host=127.0.0.1 --port={smtp.port} --from=sspr@example.com --auth=off --tls=off -t\n"
                   "admin_mail = security@example.com\n")
    tap = sandbox.sspr("admin", "pass", "bob").stdout.decode().split(": ")[1].split()[0]
    n = len(smtp.wait(1))  # the pass notice
    transcript, results = sandbox.pam("bob", Script({OFFER: "yes", "Temporary access pass: ": tap, "New password: ": NEW, "Retype new password: ": NEW}))
    assert results["authenticate"] == 0
    msgs = smtp.wait(n + 2)
    admin = [m for m in msgs if m["To"] == "security@example.com"]
    assert len(admin) == 1 and "administrator bob reset" in admin[0]["Subject"]


def recorder(sandbox):
    script = sandbox.root / "sms-recorder"
    out = sandbox.root / "sms"
    out.mkdir()
    script.write_text(f"#!/bin/sh\nn=$(ls {out}/*.args 2>/dev/null | wc -l)\nprintf '%s\\n' \"$@\" > {out}/$n.args\ncat > {out}/$n.stdin\n")
    os.chmod(script, 0o755)
    return script, out


def sent(out):
    return [((out / f"{i}.args").read_text().splitlines(), (out / f"{i}.stdin").read_text())
            for i in range(len(list(out.glob("*.args"))))]


def test_sms_registration_and_reset_with_hostile_input(sandbox):
    script, out = recorder(sandbox)
    sandbox.policy(f"methods = totp,questions,recovery_code,sms,tap\nsms_command = {script} send --to {{number}}\n")
    d = Daemon(sandbox)
    try:
        for hostile in ["+1555;touch /tmp/pwned", "$(id)", "-rf", "+1 555 0100\nX-Injected: 1", "`id`", "+15550100199 --flag"]:
            assert err(raw_call(d.socket, "BeginContact", user="alice", method="sms", destination=hostile)) == "InvalidParameter"
        assert sent(out) == []
        r = raw_call(d.socket, "BeginContact", user="alice", method="sms", destination="+1 (555) 010-0199")
        assert r["parameters"]["sent_to"] == "**********99"
        (args, stdin), = sent(out)
        assert args == ["send", "--to", "+15550100199"], "the number is one argument, the text is not in argv"
        code = code_in(stdin)
        assert raw_call(d.socket, "ConfirmContact", user="alice", method="sms", code=code) == {"parameters": {}}
    finally:
        assert d.stop() == 0

    def texted(_):
        return code_in(sent(out)[-1][1])

    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Press Enter to send a code to **********99: ": "",
                                                      "Code sent to **********99: ": texted,
                                                      "New password: ": NEW, "Retype new password: ": NEW}))
    assert results["authenticate"] == 0
    assert all(a[:2] == ["send", "--to"] and a[2] == "+15550100199" for a, _ in sent(out))
    assert not Path("/tmp/pwned").exists()


def test_failed_send_offers_the_other_methods(sandbox):
    sandbox.policy("methods = totp,questions,recovery_code,sms,tap\nsms_command = /bin/false {number}\n")
    # Register the number directly in the store (the sender fails, so registration through it cannot).
    codes = [l.strip() for l in sandbox.sspr("admin", "enroll", "alice", "recovery-codes").stdout.decode().split("\n")[1:] if l.strip()]
    store_rows(sandbox, "INSERT INTO methods (user, kind, created, confirmed, destination) VALUES ('alice', 'sms', 1, 1, '+15550100199')")
    script = Script({OFFER: "yes", "Choose a method [1-2]: ": "2", "Recovery code: ": codes[0], "New password: ": NEW, "Retype new password: ": NEW})
    transcript, results = sandbox.pam("alice", script)
    texts = [t for _, t in transcript]
    assert "The code could not be sent. Choose another method." in texts
    assert results["authenticate"] == 0
    assert script.asked.count("Choose a method [1-2]: ") == 1, "after the failed send only one method is left: no menu"
