# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""One user against every locker (docs/security.md): an unprivileged user who holds hundreds of connections to
the reset socket must not keep another user's screen locker from resetting, through the real libpam, the real
module and `ssprd --reset-socket`. The server accepts every connection at once (the listen backlog never fills),
runs at most four resets per uid and refuses the rest unanswered, and a helper whose caller says nothing ends
after a few seconds."""
import subprocess
import time

from stress_support import OFFER, PAM_SUCCESS, PamRun, enrol_codes, hash_of, verify
from test_lock_screen import ALICE, as_user, locker  # noqa: F401  (the fixture)

GINA = 1007
# Debian's interpreter for the processes run as a user: nothing they need may live under /root or the checkout.
PYTHON = "/usr/bin/python3"
NEW = "Locker-reset-Pw9x"

HOLDER = r'''
import socket, sys, time
path, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
held, opened, end = [], 0, time.monotonic() + seconds
while time.monotonic() < end:
    # Keep `count` connections open, opening new ones as the server closes refused ones; never send a byte.
    held = [s for s in held if s.fileno() >= 0]
    alive = []
    for s in held:
        s.setblocking(False)
        try:
            gone = s.recv(1) == b""
        except BlockingIOError:
            gone = False
        except OSError:
            gone = True
        if gone:
            s.close()
        else:
            alive.append(s)
    held = alive
    while len(held) < count and time.monotonic() < end:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(0.5)
        try:
            s.connect(path)
            held.append(s)
            opened += 1
        except OSError:
            s.close()
            break
    if opened >= count:
        print("holding", flush=True)
    time.sleep(0.05)
print("opened", opened, flush=True)
'''


def test_a_user_holding_hundreds_of_connections_does_not_starve_another_users_locker(locker):
    box = locker
    codes = enrol_codes(box, "alice")
    socket_path = box.root / "run/sspr/reset.sock"
    holder = subprocess.Popen([*as_user(GINA), PYTHON, "-c", HOLDER, str(socket_path), "300", "120"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding", "the holder opened its 300 connections"
        # Alice's locker, while gina holds on: a complete reset, not a wait for gina to let go (120 s).
        r = PamRun(box.driver, box.confdir, "kde", "alice", prefix=as_user(ALICE))
        r.answer({OFFER: "yes", "Recovery code: ": codes[0], "New password: ": NEW, "Retype new password: ": NEW})
        result = r.finish(timeout=90)["authenticate"]
        assert holder.poll() is None, "gina was still holding her connections"
        assert result == PAM_SUCCESS, r.transcript
        assert verify(hash_of(box.shadow.read_bytes(), "alice"), NEW)
        # Gina herself gets at most four helpers: a locker of hers is refused (no offer) while she holds on.
        g = PamRun(box.driver, box.confdir, "kde", "gina", prefix=as_user(GINA), lenient=True)
        g.finish(timeout=90)
        assert not any(t == OFFER for _, t in g.transcript)
    finally:
        holder.kill()
        holder.wait()


SILENT = r'''
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(120)
start = time.monotonic()
closed = s.recv(1) == b""
print("closed" if closed else "data", round(time.monotonic() - start, 1))
'''


def test_a_user_peer_that_says_nothing_is_let_go_within_seconds(locker):
    """The helper gives a user peer a few seconds for its request, not the 30 a root caller gets."""
    out = subprocess.run([*as_user(ALICE), PYTHON, "-c", SILENT, str(locker.root / "run/sspr/reset.sock")],
                         capture_output=True, text=True, timeout=180).stdout.split()
    assert out[0] == "closed"
    assert float(out[1]) < 25, "let go by the user-peer deadline (5 s), not the root caller's (30 s)"


def test_helpers_started_per_connection_count_themselves_as_under_systemd(sandbox):
    """systemd's sspr-reset.socket (Accept=yes) starts one sspr-reset --peer per connection and does not limit
    AF_UNIX peers per uid (MaxConnectionsPerSource is per IP address on systemd 252): the helpers hold per-uid
    slots themselves, so a fifth concurrent helper for one uid ends at once while four wait for their requests."""
    import os
    import socket
    from conftest import HELPER
    listener = socket.socket(socket.AF_UNIX)
    path = sandbox.root / "accept.sock"
    listener.bind(str(path))
    os.chmod(path, 0o666)
    listener.listen(16)
    clients = subprocess.Popen([*as_user(ALICE), PYTHON, "-c",
                                "import socket,sys,time\n"
                                "c=[socket.socket(socket.AF_UNIX) for _ in range(5)]\n"
                                "[s.connect(sys.argv[1]) for s in c]\nprint('connected',flush=True)\ntime.sleep(60)\n",
                                str(path)], stdout=subprocess.PIPE, text=True)
    helpers = []
    try:
        assert clients.stdout.readline().strip() == "connected"
        for i in range(5):
            conn, _ = listener.accept()

            def as_fd3(fd=conn.fileno()):
                os.dup2(fd, 3)
            helpers.append(subprocess.Popen([str(HELPER), "--peer", "--root", str(sandbox.root)], preexec_fn=as_fd3,
                                            pass_fds=(3, conn.fileno()), stdin=subprocess.DEVNULL))
            conn.close()
            if i < 4:
                time.sleep(0.3)
        # The fifth ends at once (exit 1) while the first four still wait for a request (5 s for a user peer).
        assert helpers[4].wait(timeout=4) == 1
        assert all(h.poll() is None for h in helpers[:4])
        slots = sorted(p.name for p in (sandbox.root / "run/sspr/peer-slots").iterdir())
        assert slots == [f"{ALICE}.{k}" for k in range(4)]
        assert oct((sandbox.root / "run/sspr/peer-slots").stat().st_mode & 0o777) == "0o700"
    finally:
        clients.kill()
        for h in helpers:
            h.kill()
            h.wait()
