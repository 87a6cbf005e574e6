# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Fixtures for driving pam_sspr.so through the real libpam (pam_start_confdir, private service directory,
sandbox root). Nothing here touches the host's /etc."""
import atexit
import warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Tests" / "Fixtures"
BIN = Path(os.environ.get("SSPR_BIN") or (REPO / ".build" / "release")).resolve()
# What processes run as an unprivileged user (screen lockers) load or execute: the module and the PAM driver are
# copied here, where any uid can reach them. The checkout may sit under a 0700 directory (a clone under /root),
# and pytest's own temporary directories are 0700 too.
SHARED = Path(tempfile.mkdtemp(prefix="sspr-test-shared-"))
os.chmod(SHARED, 0o755)
atexit.register(shutil.rmtree, SHARED, True)
# The C module (make module) and the reset helper it starts (helper=PATH: the build, not /usr/libexec).
BUILT_MODULE = Path(os.environ.get("SSPR_MODULE") or (REPO / ".build" / "pam" / "pam_sspr.so")).resolve()
MODULE_FILE = SHARED / "pam_sspr.so"
if BUILT_MODULE.exists():
    shutil.copyfile(BUILT_MODULE, MODULE_FILE)
    os.chmod(MODULE_FILE, 0o644)
HELPER = BIN / "sspr-reset"
# How a stack line names the module: the file and the helper to start.
MODULE = f"{MODULE_FILE} helper={HELPER}"
SSPR = BIN / "sspr"

# With SSPR_TEST_POSTGRES (a URI whose role may create databases: `make test-pam` sets it for its second run
# with Tests/support/pg_cluster.py), every sandbox's policy names a fresh PostgreSQL database as its store.
PG_BASE = os.environ.get("SSPR_TEST_POSTGRES") or None
sqlite_only = pytest.mark.skipif(PG_BASE is not None, reason="reads the SQLite store file itself")


def pg_psql(sql, uri=None):
    return subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-qAtX", uri or PG_BASE, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def pg_new_store():
    name = "pam_" + uuid.uuid4().hex[:16]
    pg_psql(f"CREATE DATABASE {name}")
    return name, PG_BASE.replace("///postgres?", f"///{name}?")


STORE_TABLES = ("methods", "questions", "recovery_codes", "passes", "sent_codes", "failures", "lockouts", "audit",
                "accounts", "password_failures", "outbox", "code_requests")


def store_rows(sandbox, sql):
    """Rows of `sql` (written for SQLite) from the sandbox's store, whichever engine holds it: tuples of ints,
    text and (SQLite) bytes."""
    if not sandbox.store_uri:
        db = sqlite3.connect(str(sandbox.root / "var/lib/sspr/sspr.db"))
        try:
            rows = db.execute(sql).fetchall()
            db.commit()
            return rows
        finally:
            db.close()
    # The store's own translation, for what these statements use: the column user is quoted there.
    sql = re.sub(r"\buser\b", '"user"', sql)
    r = subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-qAtX", "-F", "\x1f", sandbox.store_uri, "-c", sql],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"psql: {r.stderr}"
    out = r.stdout
    return [tuple(int(v) if re.fullmatch(r"-?\d+", v) else v for v in line.split("\x1f")) for line in out.splitlines()]


def store_dump(sandbox):
    """Every row of every table as text, one line each: to show what a call wrote, or that nothing is in clear."""
    if not sandbox.store_uri:
        path = sandbox.root / "var/lib/sspr/sspr.db"
        if not path.exists():
            return ""  # no store yet
        db = sqlite3.connect(str(path))
        try:
            return "\n".join(db.iterdump())
        finally:
            db.close()
    if store_rows(sandbox, "SELECT count(*) FROM pg_tables WHERE tablename = 'sspr_schema'") == [(0,)]:
        return ""  # no store yet, as an SQLite file that does not exist dumps nothing
    return "\n".join(f"{table}: {row!r}" for table in STORE_TABLES
                     for row in store_rows(sandbox, f"SELECT * FROM {table} ORDER BY 1"))


# Conversation replies that misbehave, as the driver understands them.
CONV_ERROR = ("E",)
NULL_REPLY = ("N",)
NO_REPLY_ARRAY = ("A",)


def huge(count, byte=0x61):
    return ("L", count, byte)


@pytest.fixture(scope="session")
def driver():
    out = SHARED / "pam_driver"
    subprocess.run(["gcc", "-O1", "-o", str(out), str(Path(__file__).with_name("pam_driver.c")), "-lpam"], check=True)
    os.chmod(out, 0o755)
    return out


def set_password(root, user, password):
    """Give `user` a real SHA-512 hash in the sandbox shadow (only that line's hash field changes)."""
    shadow = Path(root) / "etc" / "shadow"
    lines = shadow.read_bytes().split(b"\n")
    for i, line in enumerate(lines):
        fields = line.split(b":")
        if fields[0] == user.encode() and len(fields) > 2:
            fields[1] = crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512)).encode()
            lines[i] = b":".join(fields)
    shadow.write_bytes(b"\n".join(lines))


class Sandbox:
    def __init__(self, root, driver, store_uri=None, prefix=()):
        self.root = Path(root)
        self.driver = driver
        self.confdir = self.root / "pam.d"
        self.store_uri = store_uri
        # A command the CLI and the PAM driver run under (a fleet machine's own UTS namespace and host name).
        self.prefix = tuple(prefix)

    @property
    def shadow(self):
        return self.root / "etc" / "shadow"

    def policy(self, text):
        if self.store_uri and "store =" not in text:
            text = text + ("" if not text or text.endswith("\n") else "\n") + f"store = {self.store_uri}\n"
        (self.root / "etc/security/sspr.conf").write_text(text)

    def stack(self, service="login", args="", auth=None, session=True):
        """Writes the service file. Default: the SPEC's stack without pam_unix (the password has failed)."""
        module = f"{MODULE} root={self.root} {args}".strip()
        lines = auth or [
            f"auth [success=1 default=ignore] {module}",
            "auth requisite pam_deny.so",
            "auth required pam_permit.so",
        ]
        if session:
            lines.append(f"session optional {module}")
        (self.confdir / service).write_text("\n".join(lines) + "\n")

    def sspr(self, *args, stdin=b"", check=True, env=None):
        r = subprocess.run([*self.prefix, str(SSPR), *args, "--root", str(self.root)], input=stdin, capture_output=True,
                           env=env)
        if check and r.returncode != 0:
            raise AssertionError(f"sspr {args} failed: {r.stderr.decode()}")
        return r

    def pam(self, user, responder, service="login", extra=()):
        """Runs one pam_authenticate; `responder(style, text)` returns bytes/str or a misbehaviour tuple.
        Returns (transcript, results): transcript is a list of (style, text)."""
        p = subprocess.Popen([*self.prefix, str(self.driver), str(self.confdir), service, user, *extra],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        transcript, results = [], {}
        try:
            for raw in p.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                if line.startswith("RESULT "):
                    key, _, value = line[7:].partition("=")
                    results[key] = int(value)
                    continue
                style, _, text = line.partition("\t")
                transcript.append((style, text))
                if style.startswith("PROMPT"):
                    reply = responder(style, text)
                    if isinstance(reply, tuple):
                        msg = f"L {reply[1]} {reply[2]:02x}" if reply[0] == "L" else reply[0]
                    else:
                        data = reply.encode() if isinstance(reply, str) else reply
                        msg = "R " + data.hex()
                    p.stdin.write((msg + "\n").encode())
                    p.stdin.flush()
        finally:
            p.stdin.close()
            p.wait(timeout=120)
        return transcript, results


def make_sandbox(driver, prefix=(), own_store=True):
    """A fresh sandbox root (the fixture accounts, a permissive pwquality.conf, an empty policy, the SPEC's stack);
    the caller removes `box.root` (and drops `box.database`)."""
    root = tempfile.mkdtemp(prefix="sspr-pam-")
    os.chmod(root, 0o755)
    r = Path(root)
    (r / "etc/security").mkdir(parents=True)
    (r / "pam.d").mkdir()
    for name in ("passwd", "group", "shadow"):
        shutil.copy(FIXTURES / "sandbox-etc" / name, r / "etc" / name)
    os.chmod(r / "etc/shadow", 0o640)
    shutil.copy(REPO / "config" / "sspr-questions.conf", r / "etc/security/sspr-questions.conf")
    # Permissive quality rules unless a test says otherwise: the flow, not libpwquality, is under test.
    (r / "etc/security/pwquality.conf").write_text("minlen = 8\ndictcheck = 0\n")
    for user in ("alice", "bob", "carol", "gina", "hank", "ivan", "judy"):
        if user != "carol":
            set_password(root, user, "Old-password-1")
    # With SSPR_TEST_POSTGRES, a database of its own, unless the caller names the store itself (a fleet).
    database, uri = pg_new_store() if PG_BASE and own_store else (None, None)
    box = Sandbox(root, driver, uri, prefix)
    box.database = database
    box.policy("")
    box.stack()
    return box


@pytest.fixture
def sandbox(driver):
    box = make_sandbox(driver)
    yield box
    shutil.rmtree(box.root, ignore_errors=True)
    if box.database:
        pg_psql(f"DROP DATABASE IF EXISTS {box.database} WITH (FORCE)")


class Script:
    """A responder that answers prompts from a dict of prompt-text -> reply (callables allowed), failing on
    a prompt it does not expect."""

    def __init__(self, answers):
        self.answers = answers
        self.asked = []

    def __call__(self, style, text):
        self.asked.append(text)
        for key, value in self.answers.items():
            if text == key or (key.endswith("*") and text.startswith(key[:-1])):
                return value(text) if callable(value) else value
        raise AssertionError(f"unexpected prompt {text!r}")
