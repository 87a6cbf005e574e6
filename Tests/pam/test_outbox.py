# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""The notice outbox (issue 11, items 2 and 3) through the real programs: a notice that the sender refuses waits in
the store, shows in `sspr admin report`, and `sspr admin outbox --deliver` sends it once the sender works; ssprd
keeps answering while a slow sender runs; and ssprd under its unit's restrictions (emulated without systemd:
no network, a read-only file system but for ReadWritePaths, no new privileges) registers an e-mail address
through the deliverer that sspr-outbox.path would start, with msmtp to a local SMTP server."""
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import BIN, Script, store_dump, store_rows
from test_email_sms import OFFER, NEW, body, code_in, raw_call, smtp  # noqa: F401 (smtp is a fixture)

SSPRD = BIN / "ssprd"


def flaky_sender(sandbox):
    """A mail_command that fails like a mail server that is down (exit 75, EX_TEMPFAIL) while `down` exists and
    otherwise keeps each message in sent/N."""
    script = sandbox.root / "flaky-sendmail"
    sent = sandbox.root / "sent"
    sent.mkdir()
    down = sandbox.root / "down"
    script.write_text(f"#!/bin/sh\n[ -e {down} ] && {{ cat >/dev/null; exit 75; }}\n"
                      f"n=$(ls {sent} | wc -l)\ncat > {sent}/$n\n")
    os.chmod(script, 0o755)
    return script, sent, down


def messages(sent):
    return [p.read_text() for p in sorted(sent.iterdir(), key=lambda p: int(p.name))]


def outbox(sandbox):
    return json.loads(sandbox.sspr("admin", "outbox", "--json").stdout)


def test_failed_notice_waits_shows_in_report_and_is_delivered_later(sandbox):
    script, sent, down = flaky_sender(sandbox)
    sandbox.policy(f"mail_command = {script}\nhelpdesk = Call 555-0100\n")
    down.touch()
    r = sandbox.sspr("admin", "enroll", "alice", "recovery-codes")
    codes = [l.strip() for l in r.stdout.decode().splitlines()[1:] if l.strip()]
    # The enrollment's notice: tried at once by this root CLI, refused by the sender, kept.
    box = outbox(sandbox)
    assert box["waiting"] == 1 and messages(sent) == []
    (row,) = box["notices"]
    assert row["state"] == "waiting" and row["attempts"] == 1 and row["user"] == "alice"
    assert row["last_error"] == "the sender failed: exited(75)", "the sender's outcome, never the message"
    # A reset through the real libpam: its notice is queued in the reset's transaction; the helper tries it.
    transcript, results = sandbox.pam("alice", Script({OFFER: "yes", "Recovery code: ": codes[0], "New password: ": NEW,
                                                       "Retype new password: ": NEW}))
    assert results["authenticate"] == 0, transcript
    box = outbox(sandbox)
    assert box["waiting"] == 2 and [n["attempts"] for n in box["notices"]] == [1, 1]
    report = sandbox.sspr("admin", "report").stdout.decode()
    assert "notices waiting to be sent: 2, the oldest since " in report, report
    # No code, answer or password is ever in the outbox (nor anywhere in the store in clear).
    dump = store_dump(sandbox)
    assert not any(c in dump for c in codes) and NEW not in dump
    # Still down: --deliver fails (exit 1, for the timer unit's status) and keeps both.
    r = sandbox.sspr("admin", "outbox", "--deliver", check=False)
    assert r.returncode == 1 and b"delivered 0, failed 2, waiting 2" in r.stdout
    # The sender works again: everything goes out, in order, and the report is clean.
    down.unlink()
    r = sandbox.sspr("admin", "outbox", "--deliver")
    assert b"delivered 2, failed 0, waiting 0" in r.stdout
    added, reset = messages(sent)
    assert "A password reset method was added to your account alice: Recovery code." in added, added
    assert "Subject: Security notice: your password was reset" in reset and "Call 555-0100" in reset
    assert "notices waiting" not in sandbox.sspr("admin", "report").stdout.decode()
    assert [n["state"] for n in outbox(sandbox)["notices"]] == ["delivered", "delivered"]
    # Nothing is sent twice.
    sandbox.sspr("admin", "outbox", "--deliver")
    assert len(messages(sent)) == 2


def test_admin_check_warns_about_notices_waiting_over_an_hour(sandbox):
    script, sent, down = flaky_sender(sandbox)
    sandbox.policy(f"mail_command = {script}\n")
    down.touch()
    sandbox.sspr("admin", "enroll", "alice", "recovery-codes")
    out = sandbox.sspr("admin", "check", check=False).stdout.decode()
    assert "outbox: 1 notice waiting, none over an hour" in out, out
    store_rows(sandbox, "UPDATE outbox SET created_at = created_at - 7200")
    out = sandbox.sspr("admin", "check", check=False).stdout.decode()
    assert "warning: 1 notice waiting to be sent, the oldest since" in out, out


def start_ssprd(sandbox, *args, restricted=False):
    """ssprd on the sandbox; `restricted` emulates ssprd.service without systemd: a network namespace of its own
    (PrivateNetwork=yes), every mount read-only but the unit's ReadWritePaths (the store directory; the socket
    directory, which systemd would create and hand over), and no_new_privs (NoNewPrivileges=yes, which also
    disables postdrop's set-group-id bit). The unit's SystemCallFilter is not emulated: nothing a sender needs is
    in the groups it removes, and the paths and the network are what stop a sender here."""
    root = sandbox.root
    (root / "run/sspr").mkdir(parents=True, exist_ok=True)
    (root / "var/lib/sspr").mkdir(mode=0o700, parents=True, exist_ok=True)  # StateDirectory=sspr
    command = [str(SSPRD), "--root", str(root), *args]
    if restricted:
        writable = [str(root / "var/lib/sspr"), str(root / "run/sspr")]
        script = ("set -e\n"
                  + "".join(f"mount --bind {w} {w}\n" for w in writable)
                  + "for mp in $(awk '{print $5}' /proc/self/mountinfo); do\n"
                  + "  case \"$mp\" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue;; esac\n"
                  + "".join(f"  [ \"$mp\" = {w} ] && continue\n" for w in writable)
                  + "  mount -o remount,bind,ro \"$mp\" 2>/dev/null || true\n"
                  + "done\n"
                  + "exec setpriv --no-new-privs \"$@\"\n")
        command = ["unshare", "--mount", "--net", "--propagation", "private", "sh", "-c", script, "sh"] + command
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sock = root / "run/sspr/ssprd.sock"
    for _ in range(200):
        if sock.exists():
            break
        time.sleep(0.05)
    assert sock.exists(), proc.stdout.read() if proc.poll() is not None else "ssprd did not start"
    return proc, sock


def stop(proc):
    proc.terminate()
    assert proc.wait(timeout=20) == 0


class PathUnit:
    """What sspr-outbox.path does: when ssprd rewrites the trigger file, run sspr-outbox.service's command (as
    root, outside ssprd's restrictions)."""

    def __init__(self, sandbox):
        self.trigger = sandbox.root / "var/lib/sspr/outbox.trigger"
        self.command = [str(BIN / "sspr"), "admin", "outbox", "--deliver", "--root", str(sandbox.root)]
        self.runs = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self):
        seen = None
        while not self.stopping.is_set():
            try:
                mtime = self.trigger.stat().st_mtime_ns
            except FileNotFoundError:
                mtime = None
            if mtime is not None and mtime != seen:
                seen = mtime
                subprocess.run(self.command, capture_output=True)
                self.runs += 1
            time.sleep(0.05)

    def stop(self):
        self.stopping.set()
        self.thread.join()


def timed_status(sock):
    start = time.monotonic()
    r = raw_call(sock, "GetStatus", user="bob")
    return time.monotonic() - start, r


def test_restricted_ssprd_cannot_send_itself(sandbox, smtp):
    """The problem the deliverer solves: under the emulated unit msmtp has no network."""
    sandbox.policy(f"methods = totp,questions,recovery_code,email,tap\nmail_command = /usr/bin/msmtp --host=127.0.0.1 "
                   f"--port={smtp.port} --from=sspr@example.com --auth=off --tls=off -t\n")
    proc, sock = start_ssprd(sandbox, restricted=True)
    try:
        r = raw_call(sock, "BeginContact", user="alice", method="email", destination="alice@example.com")
        assert r.get("error") == "io.sspr.Registration.SendFailed", r
    finally:
        stop(proc)
    assert smtp.messages() == []


def test_restricted_ssprd_registers_an_address_through_the_deliverer_with_msmtp(sandbox, smtp):
    sandbox.policy(f"methods = totp,questions,recovery_code,email,tap\nmail_command = /usr/bin/msmtp --host=127.0.0.1 "
                   f"--port={smtp.port} --from=sspr@example.com --auth=off --tls=off -t\n")
    unit = PathUnit(sandbox)
    proc, sock = start_ssprd(sandbox, "--outbox-trigger", str(sandbox.root / "var/lib/sspr/outbox.trigger"), restricted=True)
    try:
        start = time.monotonic()
        r = raw_call(sock, "BeginContact", user="alice", method="email", destination="Alice@Example.com")
        assert r["parameters"]["sent_to"] == "A***@example.com", r
        assert time.monotonic() - start < 5
        (msg,) = smtp.wait(1)
        assert msg["To"] == "Alice@example.com"
        code = code_in(body(msg))
        # The request row named the address, never the code.
        assert code not in store_dump(sandbox)
        assert raw_call(sock, "ConfirmContact", user="alice", method="email", code=code) == {"parameters": {}}
        # The notice of the new method: queued by ssprd, sent by the deliverer it woke.
        notice = smtp.wait(2)[1]
        assert "A password reset method was added to your account alice: Code by e-mail" in body(notice), body(notice)
    finally:
        stop(proc)
        unit.stop()
    assert outbox(sandbox)["waiting"] == 0


@pytest.mark.parametrize("restricted", [False, True], ids=["ssprd-sends", "restricted-deliverer-sends"])
def test_slow_sender_does_not_stall_other_clients(sandbox, restricted):
    slow = sandbox.root / "slow-sendmail"
    slow.write_text("#!/bin/sh\nsleep 8\ncat >/dev/null\n")
    os.chmod(slow, 0o755)
    sandbox.policy(f"methods = totp,questions,recovery_code,email,tap\nmail_command = {slow}\n")
    unit = PathUnit(sandbox) if restricted else None
    args = ("--outbox-trigger", str(sandbox.root / "var/lib/sspr/outbox.trigger")) if restricted else ()
    proc, sock = start_ssprd(sandbox, *args, restricted=restricted)
    try:
        timed_status(sock)  # the store exists before the two first-time callers race to create it
        replies = []
        slow_calls = [threading.Thread(target=lambda: replies.append(
            raw_call(sock, "BeginContact", user=user, method="email", destination=f"{user}@example.com")))
            for user in ("alice", "carol")]
        started = time.monotonic()
        for t in slow_calls:
            t.start()
        time.sleep(1)
        timings = [timed_status(sock) for _ in range(5)]
        assert all(t < 1.0 for t, _ in timings), timings
        assert all("parameters" in r for _, r in timings)
        assert all(t.is_alive() for t in slow_calls), ("the senders were still running while GetStatus was answered", replies)
        for t in slow_calls:
            t.join(timeout=40)
        elapsed = time.monotonic() - started
    finally:
        stop(proc)
        if unit:
            unit.stop()
    # `sleep 8` meets the sender's 8 s bound: each code went out or was refused as not sent; none hung.
    assert len(replies) == 2 and all(r.get("error") == "io.sspr.Registration.SendFailed" or "sent_to" in r["parameters"]
                                     for r in replies), replies
    if not restricted:
        # Two senders side by side on ssprd's sender pool, not one after the other.
        assert elapsed < 12, elapsed
