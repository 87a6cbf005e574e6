# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Audit records reach journald through its native protocol where it runs (a socket at
/run/systemd/journal/socket, here under the sandbox root, read by the test as journald would): a fixed
MESSAGE_ID per event kind, SSPR_* fields, never a secret; with no journal the line goes to syslog instead.
Every MESSAGE_ID has an entry in the shipped catalog."""
import re
import socket
import struct
from pathlib import Path

import pytest

from conftest import REPO
from stress_support import OFFER, PAM_SUCCESS, PamRun, enrol_codes

RESET_ID = "4d28a614adfa4be8816236d73ea7dc3f"
PASS_ID = "f891aadef5e14fda865883509baa527b"
PROOF_ID = "830350e1d72742f29ad010d574db2a5a"


def parse(datagram):
    """journald's native protocol: FIELD=value lines, or FIELD\\n<le64 length>value\\n."""
    fields, at = {}, 0
    while at < len(datagram):
        nl = datagram.index(b"\n", at)
        line = datagram[at:nl]
        if b"=" in line:
            name, _, value = line.partition(b"=")
            at = nl + 1
        else:
            name = line
            (length,) = struct.unpack("<Q", datagram[nl + 1:nl + 9])
            value = datagram[nl + 9:nl + 9 + length]
            at = nl + 9 + length + 1
        fields.setdefault(name.decode(), []).append(value.decode())
    return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}


@pytest.fixture
def journal(sandbox):
    path = sandbox.root / "run/systemd/journal/socket"
    path.parent.mkdir(parents=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(0.5)
    entries = []

    def drain():
        while True:
            try:
                entries.append(parse(sock.recv(65536)))
            except socket.timeout:
                return entries
    yield drain
    sock.close()


def test_audit_records_reach_the_journal_with_message_ids(sandbox, journal):
    codes = enrol_codes(sandbox, "alice")
    out = sandbox.sspr("admin", "pass", "alice", "--ttl", "1h").stdout.decode()
    new = "Journal-Pw-42x"
    r = PamRun(sandbox.driver, sandbox.confdir, "login", "alice", extra=("--tty", "tty7"))
    r.answer({OFFER: "yes", "Choose a method [1-2]: ": "1", "Recovery code: ": codes[0], "New password: ": new,
              "Retype new password: ": new})
    assert r.finish()["authenticate"] == PAM_SUCCESS
    entries = journal()
    by_id = {}
    for e in entries:
        by_id.setdefault(e["MESSAGE_ID"], []).append(e)
    reset = by_id[RESET_ID][0]
    assert reset["SSPR_EVENT"] == "reset" and reset["SSPR_USER"] == "alice" and reset["SSPR_SERVICE"] == "login"
    assert reset["SSPR_TTY"] == "tty7" and reset["SYSLOG_FACILITY"] == "10" and reset["PRIORITY"] == "5"
    assert "event=reset user=alice" in reset["MESSAGE"]
    assert by_id[PASS_ID][0]["SSPR_EVENT"] == "pass_issued" and by_id[PASS_ID][0]["SSPR_ACTOR"] == "root"
    proof = by_id[PROOF_ID][0]
    assert proof["SSPR_METHOD"] == "recovery_code" and proof["SSPR_RESULT"] == "pass"
    everything = repr(entries)
    the_pass = out.split(": ", 1)[1].split()[0]
    for secret in (new, codes[0], the_pass):
        assert secret not in everything


def test_no_journal_no_datagram_and_nothing_lost(sandbox):
    # No socket under the root: the record is in the store (and went to syslog); the command still works.
    enrol_codes(sandbox, "alice")
    sandbox.sspr("admin", "pass", "alice", "--ttl", "1h")
    audit = sandbox.sspr("admin", "audit", "--json", "--user", "alice").stdout.decode()
    assert '"pass_issued"' in audit
    assert not (sandbox.root / "run/systemd/journal").exists()


def test_every_message_id_is_in_the_catalog():
    source = (REPO / "Sources/SSPRCore/Engine/AuditJournal.swift").read_text()
    ids = re.findall(r'return "([0-9a-f]{32})"', source)
    events = re.findall(r"case \.(\w+): return \"[0-9a-f]{32}\"", source)
    assert len(ids) == len(set(ids)) == len(events) >= 17
    catalog = (REPO / "systemd/sspr.catalog").read_text()
    for mid in ids:
        assert f"-- {mid}\n" in catalog, mid


def test_caller_supplied_items_cannot_forge_lines_or_escape_sequences(sandbox, journal):
    """The tty (like the service, rhost and ruser) is the caller's choice: a newline and a terminal escape in it
    reach the journal escaped and bounded (docs/security.md), never as a second line or raw control bytes."""
    codes = enrol_codes(sandbox, "alice")
    new = "Journal-Pw-42x"
    tty = "tty7\nSSPR_EVENT=reset user=root\x1b[2J" + "x" * 500
    r = PamRun(sandbox.driver, sandbox.confdir, "login", "alice", extra=("--tty", tty))
    r.answer({OFFER: "yes", "Choose a method [1-2]: ": "1", "Recovery code: ": codes[0], "New password: ": new,
              "Retype new password: ": new})
    assert r.finish()["authenticate"] == PAM_SUCCESS
    entries = journal()
    reset = next(e for e in entries if e.get("MESSAGE_ID") == RESET_ID)
    assert reset["SSPR_TTY"].startswith("tty7\\x0aSSPR_EVENT=reset")
    assert reset["SSPR_TTY"].endswith("…") and len(reset["SSPR_TTY"].encode()) <= 64 + 3
    for e in entries:
        for value in e.values():
            for v in value if isinstance(value, list) else [value]:
                assert "\x1b" not in v and "\n" not in v, e
