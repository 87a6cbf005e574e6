# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""What pam_sspr.so leaves to its host (the PAM application) and what it does not take from it on trust.

- SIGCHLD is the host's: a host that reaps its own children with a handler (waitpid(-1)) or ignores SIGCHLD keeps
  doing so while a reset runs, never sees the module's process, and the module still reads its helper's status;
- the reset socket (a caller that is not root): a server whose backlog someone else filled costs the locker at
  most helper_timeout, not a hang; a server that is not root is not believed (it could answer PAM_SUCCESS);
- log lines: a path the caller chose (helper=, socket=, root=) is shown escaped and bounded.

Module log lines are read with an LD_PRELOAD shim over syslog (test_helper_process.py's), as the application
would log them."""
import os
import shutil
import socket
import subprocess
import time

import pytest

from conftest import MODULE
from stress_support import (OFFER, PAM_AUTH_ERR, PAM_PERM_DENIED, PAM_SUCCESS, PamRun, enrol_codes, hash_of,
                            required_stack, verify)
from test_helper_process import syslog_shim  # noqa: F401  (the fixture)
from test_lock_screen import as_user

ALICE, BOB = 1001, 1002
NEW = "Host-kept-Pw-42x"
CODE = "Recovery code: "
# The driver's own child exits 0.3 s after the first conversation message: the offer is answered later.
ANSWER_AFTER = 1.0


def log_env(box, shim):
    """The environment that records the application's syslog lines in a file any uid may append to (the shim is
    copied where an unprivileged caller can load it)."""
    preload, log = box.root / "syslog-shim.so", box.root / "host-syslog"
    shutil.copy(shim, preload)
    os.chmod(preload, 0o755)
    log.touch()
    os.chmod(log, 0o666)
    return dict(os.environ, LD_PRELOAD=str(preload), SYSLOG_FILE=str(log)), log


# ------------------------------------------------------------------------------------------------- SIGCHLD

def reset_with_host_child(box, option):
    codes = enrol_codes(box, "alice")
    r = PamRun(box.driver, box.confdir, "login", "alice", extra=(option,))
    assert r.answer({}, until=OFFER) == OFFER
    time.sleep(ANSWER_AFTER)  # the host's child exits now, in the middle of the reset
    r.reply("yes")
    r.answer({CODE: codes[0], "New password: ": NEW, "Retype new password: ": NEW})
    res = r.finish()
    assert r.proc.returncode == 0
    assert res["authenticate"] == PAM_SUCCESS, r.transcript
    assert ("INFO", "Your password has been reset.") in r.transcript
    assert verify(hash_of(box.shadow.read_bytes(), "alice"), NEW)
    return res


def test_a_host_that_reaps_its_children_keeps_reaping_them_during_a_reset(sandbox):
    res = reset_with_host_child(sandbox, "--host-child")
    assert res["host_reaped"] == 1 and res["host_child_left"] == 0, "the host's handler reaped its own child"
    assert res["host_reaped_other"] == 0, "the host never saw a process of the module's"
    assert res["host_sigchld"] == 2 and res["host_sigchld_changed"] == 0, "the handler stayed in place throughout"


def test_a_host_that_ignores_sigchld_keeps_ignoring_it_during_a_reset(sandbox):
    res = reset_with_host_child(sandbox, "--sigchld-ignore")
    assert res["host_child_left"] == 0, "the kernel reaped the host's child, as SIG_IGN asks"
    assert res["host_sigchld"] == 1 and res["host_sigchld_changed"] == 0


EXIT_1_HELPER = r'''
/* Test only: says PAM_SUCCESS, waits a little (a host reaping with waitpid(-1) would have its chance), exits 1. */
#include <unistd.h>
int main(void)
{
    unsigned char buf[70000];
    (void)!read(3, buf, sizeof buf);
    unsigned char done[] = { 0, 0, 0, 4, 'D', 0, 1, '0' };
    (void)!write(3, done, sizeof done);
    usleep(200000);
    return 1;
}
'''


@pytest.mark.parametrize("option", ["--host-child", "--sigchld-ignore"])
def test_the_module_still_reads_its_helpers_status_whatever_the_host_does(sandbox, tmp_path, option):
    """The helper's exit status is the module's alone: neither a waitpid(-1) handler nor SIG_IGN takes it."""
    box = sandbox
    src, helper = tmp_path / "exit1.c", box.root / "exit1-helper"
    src.write_text(EXIT_1_HELPER)
    subprocess.run(["gcc", "-O1", "-o", str(helper), str(src)], check=True)
    os.chmod(helper, 0o755)
    required_stack(box, f"helper={helper} helper_timeout=5")
    r = PamRun(box.driver, box.confdir, "login", "alice", extra=(option,))
    res = r.finish()
    assert r.proc.returncode == 0 and r.transcript == []
    assert res["authenticate"] == PAM_PERM_DENIED, "a helper that did not exit 0 is not believed (PAM_IGNORE)"
    assert res["host_reaped_other"] == 0 and res["host_sigchld_changed"] == 0


SILENT_HELPER = r'''
/* Test only: writes its pid to PIDFILE, then never answers. */
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    FILE *f = fopen(PIDFILE, "w");
    if (f) { fprintf(f, "%d\n", (int)getpid()); fclose(f); }
    sleep(30);
    return 0;
}
'''


def test_a_helper_the_module_gives_up_on_is_gone_when_pam_authenticate_returns(sandbox, tmp_path):
    """The module ends a silent helper after helper_timeout: killed and reaped by the time the module returns,
    not left for init to collect (nor for a host that is a subreaper)."""
    box = sandbox
    src, helper, pidfile = tmp_path / "silent.c", box.root / "silent-helper", box.root / "silent.pid"
    src.write_text(SILENT_HELPER)
    subprocess.run(["gcc", "-O1", f'-DPIDFILE="{pidfile}"', "-o", str(helper), str(src)], check=True)
    os.chmod(helper, 0o755)
    required_stack(box, f"helper={helper} helper_timeout=2")
    t0 = time.monotonic()
    r = PamRun(box.driver, box.confdir, "login", "alice", extra=("--host-child",))
    res = r.finish()
    assert r.proc.returncode == 0 and res["authenticate"] == PAM_PERM_DENIED
    assert time.monotonic() - t0 < 2 + 20
    pid = int(pidfile.read_text())
    assert not os.path.exists(f"/proc/{pid}"), "the helper was reaped before pam_authenticate returned"
    assert res["host_reaped_other"] == 0 and res["host_sigchld_changed"] == 0


# ------------------------------------------------------------------------------------------------- reset socket

def locker_stack(box, args):
    """The stack README "Using it" shows, for a screen locker's service, readable by the unprivileged caller."""
    box.stack(service="kde", args=args, session=False)
    os.chmod(box.root / "pam.d", 0o755)


def run_locker(box, env, timeout=90):
    t0 = time.monotonic()
    r = subprocess.run([*as_user(ALICE), str(box.driver), str(box.confdir), "kde", "alice"], input=b"",
                       capture_output=True, env=env, timeout=timeout)
    return r, time.monotonic() - t0


def test_a_full_reset_socket_backlog_costs_the_locker_at_most_helper_timeout(sandbox, syslog_shim):
    """A root listener (as ssprd is) that never accepts, its backlog filled by other connections: the locker's
    pam_authenticate gives up after helper_timeout and ends as an ordinary failed password (pam_deny)."""
    box = sandbox
    enrol_codes(box, "alice")
    path = box.root / "run/sspr/reset.sock"
    path.parent.mkdir(parents=True)
    os.chmod(path.parent.parent, 0o755)
    os.chmod(path.parent, 0o755)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    fillers = []
    try:
        server.bind(str(path))
        os.chmod(path, 0o666)
        server.listen(0)
        while True:
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect(str(path))
            except BlockingIOError:
                c.close()
                break
            fillers.append(c)
            assert len(fillers) < 64
        locker_stack(box, "helper_timeout=2")
        env, log = log_env(box, syslog_shim)
        r, elapsed = run_locker(box, env)
    finally:
        for c in fillers:
            c.close()
        server.close()
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().splitlines() == [f"RESULT authenticate={PAM_AUTH_ERR}"], "no offer, pam_deny's answer"
    assert elapsed < 2 + 20, elapsed
    assert f"reset socket {path} did not take the connection within 2 s; reset not offered" in log.read_text()


FAKE_SERVER = r'''
# Test only: a reset service run by a user, not root, that speaks the protocol and says PAM_SUCCESS.
import os, socket, sys
def frame(kind, *fields):
    body = kind + b"".join(len(f).to_bytes(2, "big") + f for f in fields)
    return len(body).to_bytes(4, "big") + body
def read_frame(c):
    data = b""
    while len(data) < 4 or len(data) < 4 + int.from_bytes(data[:4], "big"):
        chunk = c.recv(65536)
        if not chunk:
            raise EOFError
        data += chunk
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o666)
s.listen(8)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    try:
        c.settimeout(10)
        read_frame(c)                                          # S
        c.sendall(frame(b"C", b"4", b"Served by uid %d." % os.getuid()))
        read_frame(c)                                          # R
        c.sendall(frame(b"D", b"0"))                           # PAM_SUCCESS
    except (OSError, EOFError):
        pass
    c.close()
'''


def test_a_reset_socket_not_served_by_root_is_not_believed(sandbox, syslog_shim):
    """Anyone may listen on a path the caller's own stack names (socket=, root=): a server that is not root could
    unlock the screen with PAM_SUCCESS. The module checks SO_PEERCRED, offers nothing, and logs one line (with the
    path escaped: it holds an ESC byte here)."""
    box = sandbox
    enrol_codes(box, "alice")
    own = box.root / "bob\x1b[7m"
    own.mkdir()
    os.chown(own, BOB, BOB)
    os.chmod(own, 0o755)
    path = own / "reset.sock"
    script = box.root / "fake_server.py"
    script.write_text(FAKE_SERVER)
    os.chmod(script, 0o644)
    server = subprocess.Popen([*as_user(BOB), "/usr/bin/python3", str(script), str(path)], stdout=subprocess.PIPE)
    try:
        assert server.stdout.readline() == b"ready\n"
        locker_stack(box, f"socket={path} helper_timeout=5")
        env, log = log_env(box, syslog_shim)
        r, _ = run_locker(box, env, timeout=60)
    finally:
        server.kill()
        server.wait()
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().splitlines() == [f"RESULT authenticate={PAM_AUTH_ERR}"], "no word of the impostor's"
    text = log.read_bytes()
    assert b"\x1b" not in text
    shown = str(path).replace("\x1b", "\\x1b").encode()
    assert b"reset socket " + shown + b" is not served by root (uid %d); reset not offered" % BOB in text


# ------------------------------------------------------------------------------------------------- log lines

def test_a_helper_path_in_a_log_line_is_escaped_and_bounded(sandbox, syslog_shim):
    """helper= as a caller with a stack of its own may write it: control bytes (here ESC, DEL, a byte over 0x7f
    and the backslash) come out as \\xNN, and at most 128 bytes of it, then an ellipsis."""
    box = sandbox
    path = b"/nonexistent/\x1b[2J\x7f\xff\\" + b"A" * 300
    (box.confdir / "login").write_bytes(b"auth required " + MODULE.split()[0].encode() + b" helper=" + path +
                                        b" root=" + str(box.root).encode() + b"\n")
    env, log = log_env(box, syslog_shim)
    r = subprocess.run([str(box.driver), str(box.confdir), "login", "alice"], input=b"", capture_output=True,
                       env=env, timeout=60)
    assert r.returncode == 0 and r.stdout == f"RESULT authenticate={PAM_PERM_DENIED}\n".encode()
    lines = [l for l in log.read_bytes().splitlines() if b"reset helper " in l]
    assert len(lines) == 1, lines
    shown = lines[0].split(b"reset helper ", 1)[1].split(b" cannot be opened", 1)[0]
    escaped = b"/nonexistent/\\x1b[2J\\x7f\\xff\\x5c"
    assert shown == escaped + b"A" * (128 - len(escaped)) + "\u2026".encode()
    assert not any(b < 0x20 or b == 0x7f for b in lines[0])


def test_a_short_plain_path_is_logged_as_it_is(sandbox, syslog_shim):
    box = sandbox
    required_stack(box, "helper=/nonexistent/sspr-reset")
    env, log = log_env(box, syslog_shim)
    subprocess.run([str(box.driver), str(box.confdir), "login", "alice"], input=b"", capture_output=True, env=env,
                   timeout=60, check=True)
    assert "reset helper /nonexistent/sspr-reset cannot be opened (No such file or directory)" in log.read_text()
