"""Concurrency: resets racing each other through the real libpam, and resets racing shadow-utils (chpasswd,
useradd, userdel) on the same sandbox root. shadow-utils' --root (-R) chroots before locking, so it takes
DIR/etc/.pwd.lock (lckpwdf) and DIR/etc/shadow.lock -- the same two locks the module takes with root=DIR.
Nothing touches the host's /etc."""
import subprocess
import threading
import time

from stress_support import (OFFER, PAM_AUTHTOK_ERR, PAM_SUCCESS, PamRun, entry, hash_of, issue_pass, leftovers,
                            only_changed, required_stack, scaled, sha512, verify)

PROOF = "Temporary access pass: "
RETYPE = "Retype new password: "


def start_two_resets(box, user, tap, passwords):
    runs = []
    for pw in passwords:
        r = PamRun(box.driver, box.confdir, "login", user)
        asked = r.answer({OFFER: "yes", PROOF: tap, "New password: ": pw}, until=RETYPE)
        assert asked == RETYPE, r.transcript
        runs.append(r)
    return runs


def test_two_simultaneous_resets_of_one_user_exactly_one_wins(sandbox):
    """Both flows began with the same hash; both are held at the last prompt and released together. The
    writer re-reads the hash under the locks, so exactly one write happens: the other fails closed and shadow
    holds exactly the winner's password. Repeated, since which one wins is up to the scheduler."""
    required_stack(sandbox)
    tap = issue_pass(sandbox, "alice", reusable=True)
    rounds = scaled(15)
    winners = []
    for n in range(rounds):
        before = sandbox.shadow.read_bytes()
        passwords = [f"Race-{n}-first-Pw1", f"Race-{n}-second-Pw2"]
        runs = start_two_resets(sandbox, "alice", tap, passwords)
        # Release both as close together as possible.
        for r, pw in zip(runs, passwords):
            r.reply(pw)
        codes = [r.finish()["authenticate"] for r in runs]
        assert all(r.proc.returncode == 0 for r in runs)
        assert sorted(codes) == [PAM_SUCCESS, PAM_AUTHTOK_ERR], codes
        win = codes.index(PAM_SUCCESS)
        lose = 1 - win
        winners.append(win)
        after = sandbox.shadow.read_bytes()
        h = hash_of(after, "alice")
        assert verify(h, passwords[win]) and not verify(h, passwords[lose])
        assert only_changed(before, after, ["alice"]) == {"alice"}
        assert (sandbox.root / "etc/shadow-").read_bytes() == before, "exactly one write: the backup is the round's start"
        assert ("INFO", "Your password has been reset.") in runs[win].transcript
        assert runs[lose].transcript[-1] == ("ERROR", "Your password could not be changed. Nothing was changed; try again later.")
        assert leftovers(sandbox.root / "etc") == []
    print(f"\n{rounds} rounds; the first-started run won {winners.count(0)}, the second {winners.count(1)}")


def test_resets_against_chpasswd_useradd_userdel_lose_no_update(sandbox):
    root = sandbox.root
    required_stack(sandbox)
    # shadow-utils writes a final newline; give the fixture one up front so "untouched lines are byte
    # identical" compares like with like.
    for name in ("passwd", "shadow"):
        p = root / "etc" / name
        if not p.read_bytes().endswith(b"\n"):
            p.write_bytes(p.read_bytes() + b"\n")
    chp_users = [f"chp{i}" for i in range(4)]
    for u in chp_users:
        subprocess.run(["useradd", "-R", str(root), "-M", "-N", "-g", "0", "-s", "/bin/sh", u], check=True,
                       capture_output=True)
        subprocess.run(["chpasswd", "-e", "-R", str(root)], input=f"{u}:{sha512('initial')}\n".encode(), check=True)
    reset_users = ["alice", "judy"]
    taps = {u: issue_pass(sandbox, u, reusable=True) for u in reset_users}
    initial = sandbox.shadow.read_bytes()
    initial_passwd = (root / "etc/passwd").read_bytes()

    n_chpasswd, n_useradd, n_resets = scaled(120), scaled(36), scaled(60)
    last_chp, added, deleted, last_reset = {}, [], set(), {}
    errors = []
    # Precomputed so the loop is nothing but the writes.
    chp_hashes = [sha512(f"chp-pass-{i}") for i in range(n_chpasswd)]

    def chpasswd_loop():
        for i in range(n_chpasswd):
            u = chp_users[i % len(chp_users)]
            r = subprocess.run(["chpasswd", "-e", "-R", str(root)], input=f"{u}:{chp_hashes[i]}\n".encode(),
                               capture_output=True)
            if r.returncode != 0:
                errors.append(f"chpasswd {u}: {r.stderr!r}")
            else:
                last_chp[u] = chp_hashes[i]

    def useradd_loop():
        for i in range(n_useradd):
            u = f"new{i}"
            r = subprocess.run(["useradd", "-R", str(root), "-M", "-N", "-g", "0", "-s", "/bin/sh", u], capture_output=True)
            if r.returncode != 0:
                errors.append(f"useradd {u}: {r.stderr!r}")
                continue
            added.append(u)
            if i % 3 == 1:
                r = subprocess.run(["userdel", "-R", str(root), u], capture_output=True)
                if r.returncode != 0:
                    errors.append(f"userdel {u}: {r.stderr!r}")
                else:
                    deleted.add(u)

    def reset_loop():
        for i in range(n_resets):
            u = reset_users[i % 2]
            pw = f"Reset-{i}-Xy9-{i * 7919}"
            r = PamRun(sandbox.driver, sandbox.confdir, "login", u)
            r.answer({OFFER: "yes", PROOF: taps[u], "New password: ": pw, RETYPE: pw})
            code = r.finish()["authenticate"]
            if code != PAM_SUCCESS:
                errors.append(f"reset {u} #{i}: {code} {r.transcript[-1]}")
            else:
                last_reset[u] = pw

    threads = [threading.Thread(target=f) for f in (chpasswd_loop, useradd_loop, reset_loop)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    print(f"\n{n_chpasswd} chpasswd, {n_useradd} useradd ({len(deleted)} userdel), {n_resets} resets "
          f"concurrently in {elapsed:.1f}s")
    assert errors == []

    final = sandbox.shadow.read_bytes()
    today = str(int(time.time()) // 86400).encode()
    # The exact expected file: the initial lines in order (untouched ones byte-identical; chpasswd'd ones with
    # exactly the last hash set; reset ones with a hash of the last password), then the surviving new users.
    survivors = [u for u in added if u not in deleted]
    final_lines = final.split(b"\n")
    assert final_lines[-1] == b""
    final_lines = final_lines[:-1]
    initial_lines = initial.split(b"\n")[:-1]
    assert len(final_lines) == len(initial_lines) + len(survivors)
    # shadow-utils (commonio) adds new entries before the first NIS line ('+' / '-'), not at the very end.
    nis = next(i for i, l in enumerate(initial_lines) if l[:1] in (b"+", b"-"))
    new_block = final_lines[nis:nis + len(survivors)]
    final_lines = final_lines[:nis] + final_lines[nis + len(survivors):]
    assert [l.split(b":")[0].decode() for l in new_block] == survivors
    for old, new in zip(initial_lines, final_lines):
        name = old.split(b":")[0].decode(errors="replace")
        if name in last_chp:
            f = old.split(b":")
            f[1], f[2] = last_chp[name].encode(), today
            assert new == b":".join(f), name
        elif name in reset_users:
            of, nf = old.split(b":"), new.split(b":")
            assert nf[0] == of[0] and nf[2] == today and nf[3:] == of[3:], name
            assert verify(nf[1].decode(), last_reset[name]), f"{name}'s last reset password"
        else:
            assert new == old, f"untouched line changed: {old!r} -> {new!r}"
    passwd = (root / "etc/passwd").read_bytes()
    assert passwd.startswith(initial_passwd)
    assert [l.split(b":")[0].decode() for l in passwd[len(initial_passwd):].split(b"\n") if l] == survivors
    for u in deleted:
        assert entry(final, u) is None
    assert leftovers(root / "etc") == []
