"""Fixtures for driving pam_sspr.so through the real libpam (pam_start_confdir, private service directory,
sandbox root). Nothing here touches the host's /etc."""
import warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Tests" / "Fixtures"
BIN = Path(os.environ.get("SSPR_BIN") or (REPO / ".build" / "release")).resolve()
# The C module (make module) and the reset helper it starts (helper=PATH: the build, not /usr/libexec).
MODULE_FILE = Path(os.environ.get("SSPR_MODULE") or (REPO / ".build" / "pam" / "pam_sspr.so")).resolve()
HELPER = BIN / "sspr-reset"
# How a stack line names the module: the file and the helper to start.
MODULE = f"{MODULE_FILE} helper={HELPER}"
SSPR = BIN / "sspr"

# Conversation replies that misbehave, as the driver understands them.
CONV_ERROR = ("E",)
NULL_REPLY = ("N",)
NO_REPLY_ARRAY = ("A",)


def huge(count, byte=0x61):
    return ("L", count, byte)


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    out = tmp_path_factory.mktemp("driver") / "pam_driver"
    subprocess.run(["gcc", "-O1", "-o", str(out), str(Path(__file__).with_name("pam_driver.c")), "-lpam"], check=True)
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
    def __init__(self, root, driver):
        self.root = Path(root)
        self.driver = driver
        self.confdir = self.root / "pam.d"

    @property
    def shadow(self):
        return self.root / "etc" / "shadow"

    def policy(self, text):
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

    def sspr(self, *args, stdin=b"", check=True):
        r = subprocess.run([str(SSPR), *args, "--root", str(self.root)], input=stdin, capture_output=True)
        if check and r.returncode != 0:
            raise AssertionError(f"sspr {args} failed: {r.stderr.decode()}")
        return r

    def pam(self, user, responder, service="login", extra=()):
        """Runs one pam_authenticate; `responder(style, text)` returns bytes/str or a misbehaviour tuple.
        Returns (transcript, results): transcript is a list of (style, text)."""
        p = subprocess.Popen([str(self.driver), str(self.confdir), service, user, *extra],
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


@pytest.fixture
def sandbox(driver):
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
    box = Sandbox(root, driver)
    box.policy("")
    box.stack()
    yield box
    shutil.rmtree(root, ignore_errors=True)


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
