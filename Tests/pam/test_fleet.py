# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""The fleet store's guarantees through the real libpam: several "machines" (sandbox roots, each with its own
accounts, policy, PAM service directory and host name in a UTS namespace of its own) share one PostgreSQL
store, as lab machines do. A registration made on one machine works on another; a one-time proof is spent for
every machine, even when a hundred resets on four machines hold it at once; wrong proofs count fleet-wide and
the lockout holds everywhere; a store that is stopped, frozen or unreachable ends a reset within store_timeout
with "not available right now" and changes nothing, while password logins go on; TLS is verify-full."""
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import CONV_ERROR
from fleet_support import Machine, drive_together, errors, make_fleet, pg_cluster
from stress_support import (PAM_AUTHINFO_UNAVAIL, PAM_AUTHTOK_ERR, PAM_AUTH_ERR, PAM_SUCCESS, enrol_codes, hash_of, only_changed,
                            scaled, verify)

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
CODE, TOTP = "Recovery code: ", "Authenticator app code: "
NEW, RETYPE = "New password: ", "Retype new password: "
MENU = "Choose a method [1-2]: "
NOT_NOW = "Password reset is not available right now."
USED_MEANWHILE = "That code was just used by another password reset. Nothing was changed."
HELPDESK = "Call the lab desk at 555-0100"
BASE32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LOCKED = re.compile(r"Password reset is locked until \d{4}-\d\d-\d\d \d\d:\d\d [A-Za-z0-9+-]+\.")


@pytest.fixture(scope="module")
def postgres():
    cluster = pg_cluster.Cluster(tls=False).start()
    yield cluster
    cluster.close()


@pytest.fixture
def fleet(driver, postgres):
    """fleet(count, policy, cluster) -> machines lab-a, lab-b, ... on a fresh database of `cluster` (by default
    the module's server)."""
    made = []

    def make(count=4, policy="", cluster=None):
        cluster = cluster or postgres
        machines = make_fleet(driver, cluster.uri(cluster.create_database()), count, policy)
        made.extend(machines)
        return machines
    yield make
    for m in made:
        m.remove()


@pytest.fixture
def own_postgres():
    """A server of the test's own, for the tests that stop or freeze it."""
    cluster = pg_cluster.Cluster(tls=False).start()
    yield cluster
    cluster.close()


def totp_now():
    return subprocess.run(["oathtool", "--totp", "-b", BASE32], capture_output=True, text=True, check=True).stdout.strip()


def reset(machine, answers, user="alice"):
    """One whole conversation on `machine`; returns the run (transcript, results)."""
    run = machine.run(user)
    assert run.answer(answers) is None, run.transcript
    run.finish()
    return run


def test_registered_on_one_machine_reset_on_another_spent_for_all(fleet):
    a, b, c, d = fleet(4)
    codes = enrol_codes(a, "alice")
    a.sspr("admin", "enroll", "alice", "totp", "--secret", BASE32)
    shadows = {m.name: m.shadow.read_bytes() for m in (a, b, c, d)}

    # On B, with a recovery code A printed: B's shadow gets the new password, and only alice's line changes.
    new = "Fleet-new-Pw-41"
    run = reset(b, {OFFER: "yes", MENU: "2", CODE: codes[0], NEW: new, RETYPE: new})
    assert run.results["authenticate"] == PAM_SUCCESS, run.transcript
    assert ("INFO", "Your password has been reset.") in run.transcript
    assert only_changed(shadows["lab-b"], b.shadow.read_bytes(), ["alice"]) == {"alice"}
    assert verify(hash_of(b.shadow.read_bytes(), "alice"), new)
    for m in (a, c, d):
        assert m.shadow.read_bytes() == shadows[m.name], f"{m.name}'s shadow is not B's business"
    # pam_unix on B (against B's own files) takes the new password and no longer the old; on A the old one.
    for machine, password, expected in ((b, new, PAM_SUCCESS), (b, "Old-password-1", PAM_AUTH_ERR),
                                        (a, "Old-password-1", PAM_SUCCESS), (a, new, PAM_AUTH_ERR)):
        run = machine.unix_run("unix-only")
        run.answer({"Password: ": password})
        assert run.finish()["authenticate"] == expected, (machine.name, password, run.transcript)

    # The code is spent for every machine: on C it is just a wrong code.
    run = reset(c, {OFFER: "yes", MENU: "2", CODE: codes[0], NEW: "x", RETYPE: "x"})
    assert errors(run)[:3] == ["That was not right."] * 3 and run.results["authenticate"] != PAM_SUCCESS
    assert c.shadow.read_bytes() == shadows["lab-c"]
    assert d.codes_left() == 9

    # A TOTP code works on C, and the same code is then spent on D too (its time step is used fleet-wide).
    code = totp_now()
    run = reset(c, {OFFER: "yes", MENU: "1", TOTP: code, NEW: new, RETYPE: new})
    assert run.results["authenticate"] == PAM_SUCCESS, run.transcript
    assert verify(hash_of(c.shadow.read_bytes(), "alice"), new)
    run = reset(d, {OFFER: "yes", MENU: "1", TOTP: code})
    assert errors(run)[:3] == ["That was not right."] * 3, run.transcript
    assert d.shadow.read_bytes() == shadows["lab-d"]

    # Every machine's audit shows the same rows, each with the machine that wrote it.
    rows = d.audit()
    assert rows == a.audit()
    hosts = {(r["event"], r["method"], r["result"], r["host"]) for r in rows}
    assert ("enroll", "recovery_code", "pass", "lab-a") in hosts and ("enroll", "totp", "pass", "lab-a") in hosts
    assert ("proof", "recovery_code", "pass", "lab-b") in hosts and ("reset", "", "pass", "lab-b") in hosts
    assert ("proof", "recovery_code", "fail", "lab-c") in hosts and ("reset", "", "pass", "lab-c") in hosts
    assert ("proof", "totp", "fail", "lab-d") in hosts
    assert not any(r["event"] == "reset" and r["host"] in ("lab-a", "lab-d") for r in rows)


def test_admin_check_names_the_postgresql_store_and_its_schema(fleet, postgres):
    a, b = fleet(2)
    version = postgres.psql("SHOW server_version").split()[0]
    for m in (a, b):
        out = m.sspr("admin", "check").stdout.decode()
        line = next(l for l in out.split("\n") if "store engine:" in l)
        assert f"store engine: PostgreSQL {version} at {postgres.sock}, local socket, served by postgres, no TLS, schema version 6 of 6" in line, out


TRIALS, RACERS = scaled(30), 100  # SSPR_STRESS_SCALE scales the trials, as for the other long runs


def test_a_hundred_resets_on_four_machines_holding_one_code_exactly_one_wins(fleet):
    """Each trial: one fresh recovery code, 100 conversations on four machines (25 each) all check it (none
    spends it) and are held at "Retype new password:" until every one is there, then answered together.
    Exactly one reset changes a password; the 99 others are told the code was just used and change nothing."""
    # The default max_failures (5): at most 5 of these right proofs are in flight at once and the others
    # wait for them; right ones never settle as failures, so no lockout starts (before the in-flight mark,
    # 58 of 100 were told "locked until" here).
    machines = fleet(4, "")
    for m in machines:
        # All 100 hash their new password before the spend decides (PasswordChange.commit: hash first), so
        # 3,000 hashes a run: SHA-512 crypt at shadow-utils' default 5000 rounds instead of libcrypt's preferred
        # yescrypt takes the test from ~4.5 to ~2.4 s a trial on 2 cores. The stock method is covered by
        # test_reset_flow's Debian 12 test, test_pam_unix and the other fleet tests, which keep it.
        (m.root / "etc/login.defs").write_text("ENCRYPT_METHOD SHA512\n")
    started, wins = time.monotonic(), {m.name: 0 for m in machines}
    for trial in range(TRIALS):
        code = enrol_codes(machines[trial % 4], "alice")[0]
        before = {m.name: m.shadow.read_bytes() for m in machines}
        runs = []
        for i in range(RACERS):
            run = machines[i % 4].run()
            run.machine, run.password = machines[i % 4], f"Fleet-{trial}-racer-{i}-Pw"
            runs.append(run)
        held = drive_together(runs, {OFFER: "yes", CODE: code, NEW: lambda r: r.password}, until=RETYPE)
        assert len(held) == RACERS, [r.transcript for r in runs if r not in held][:1]
        for run in runs:
            run.reply(run.password)
        results = [run.finish()["authenticate"] for run in runs]
        winners = [run for run, rc in zip(runs, results) if rc == PAM_SUCCESS]
        assert len(winners) == 1 and results.count(PAM_AUTHTOK_ERR) == RACERS - 1, (trial, sorted(set(results)))
        winner = winners[0]
        wins[winner.machine.name] += 1
        assert ("INFO", "Your password has been reset.") in winner.transcript
        assert all(r.transcript[-1] == ("ERROR", USED_MEANWHILE) for r in runs if r is not winner)
        for m in machines:
            after = m.shadow.read_bytes()
            if m is winner.machine:
                assert only_changed(before[m.name], after, ["alice"]) == {"alice"}
                assert hash_of(after, "alice").startswith("$6$") and verify(hash_of(after, "alice"), winner.password), \
                    "the winner's password, no loser's"
            else:
                assert after == before[m.name], f"trial {trial}: {m.name} lost every race and changed nothing"
        assert machines[(trial + 1) % 4].codes_left() == 9
    elapsed = time.monotonic() - started
    print(f"\n{TRIALS} trials x {RACERS} resets on 4 machines: {elapsed:.1f} s; wins per machine {wins}")


def wrong_code(i):
    """A wrong code of the recovery-code alphabet (a reply that cannot be a code is not counted: docs/security.md)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "WRNGX-" + "".join(alphabet[(i // len(alphabet) ** k) % len(alphabet)] for k in range(5))


def test_fifty_wrong_proofs_on_four_machines_check_five_and_lock_every_machine(fleet):
    """50 conversations on four machines are held at "Recovery code:" and answer wrong codes together, with
    max_failures = 5: exactly five are checked (the others are refused unchecked), one lockout is recorded, and
    the lockout holds on every machine, even for the right code."""
    machines = fleet(4, "max_failures = 5\nlockout = 1h\n")
    codes = enrol_codes(machines[0], "alice")
    shadows = {m.name: m.shadow.read_bytes() for m in machines}
    runs = [machines[i % 4].run() for i in range(50)]
    held = drive_together(runs, {OFFER: "yes"}, until=CODE)
    assert len(held) == 50
    for i, run in enumerate(runs):
        run.reply(wrong_code(i))  # the form of a code (two groups of five), so each one is really compared
    # A run whose proof was checked is asked again: it ends there (a conversation error, as if the user left).
    drive_together(runs, {CODE: CONV_ERROR}, until=None)
    for run in runs:
        run.finish()
    checked = [r for r in runs if "That was not right." in errors(r)]
    told_locked = [r for r in runs if any(LOCKED.fullmatch(e) for e in errors(r))]
    assert len(checked) == 5, [errors(r) for r in runs]
    assert len(told_locked) >= 45 and all(r.results["authenticate"] != PAM_SUCCESS for r in runs)
    rows = [r for r in machines[1].audit() if r["event"] in ("proof", "lockout")]
    assert sum(r["event"] == "proof" and r["result"] == "fail" for r in rows) == 5
    assert sum(r["event"] == "proof" and r["result"] == "locked" for r in rows) == 45
    assert sum(r["event"] == "lockout" for r in rows) == 1
    assert {r["host"] for r in rows} <= {m.name for m in machines} and len({r["host"] for r in rows}) == 4

    # Every machine refuses alice now, before any proof is asked: the right code does not get in.
    for m in machines:
        run = reset(m, {OFFER: "yes", CODE: codes[0], NEW: "Locked-out-Pw-1", RETYPE: "Locked-out-Pw-1"})
        assert [s for s, _ in run.transcript] == ["PROMPT_ON", "ERROR"], (m.name, run.transcript)
        assert LOCKED.fullmatch(run.transcript[-1][1]) and run.results["authenticate"] != PAM_SUCCESS
        assert m.shadow.read_bytes() == shadows[m.name]
    assert machines[3].codes_left() == 10


def elapsed_reset(run, answers, waiting=None):
    """Answers the rest of `run`'s conversation (first the prompt `waiting`, left unanswered by an earlier
    `answer(until=...)`); returns the seconds it took to end."""
    started = time.monotonic()
    if waiting:
        run.reply(answers[waiting])
    assert run.answer(answers) is None, run.transcript
    run.finish()
    return time.monotonic() - started


def not_available_now(run, result=PAM_AUTHINFO_UNAVAIL):
    """The reset ended with the store's words and the helpdesk line; `auth required pam_sspr` returns the
    module's PAM_AUTHINFO_UNAVAIL, the SPEC's stack pam_deny's PAM_AUTH_ERR."""
    return errors(run)[-2:] == [NOT_NOW, HELPDESK] and run.results["authenticate"] == result


def test_postgresql_stopped_mid_reset_ends_it_and_password_logins_go_on(fleet, own_postgres):
    """`pg_ctl stop -m immediate` while the user sits at the proof prompt, then while at "New password:": each
    reset ends at once with "not available right now" and the helpdesk line, writes nothing and spends nothing;
    pam_unix logins work throughout, and after a restart the same code completes a reset."""
    a, b = fleet(2, f"helpdesk = {HELPDESK}\nstore_timeout = 3s\n", cluster=own_postgres)
    codes = enrol_codes(a, "alice")
    before = b.shadow.read_bytes()
    new = "After-outage-Pw-7"
    for stage in (CODE, NEW):
        run = b.run()
        assert run.answer({OFFER: "yes", CODE: codes[0]}, until=stage) == stage
        own_postgres.stop("immediate")
        took = elapsed_reset(run, {CODE: codes[0], NEW: new, RETYPE: new}, waiting=stage)
        assert not_available_now(run), (stage, run.transcript)
        assert took < 3 + 2, f"stopped at {stage!r}: {took:.1f} s"
        print(f"\nstopped at {stage!r}: the reset ended {took:.2f} s after the answer")
        assert b.shadow.read_bytes() == before

        # While the store is down: the SPEC's stack (pam_unix first) lets the right password in without asking
        # pam_sspr anything, and a wrong password's reset offer says "not available right now" at once.
        login = b.unix_run("unix-first")
        assert elapsed_reset(login, {"Password: ": "Old-password-1"}) < 3
        assert login.results["authenticate"] == PAM_SUCCESS and login.transcript == [("PROMPT_OFF", "Password: ")]
        login = b.unix_run("unix-first")
        took = elapsed_reset(login, {"Password: ": "not-the-password", OFFER: "yes"})
        assert not_available_now(login, PAM_AUTH_ERR) and took < 3 + 2, (took, login.transcript)
        own_postgres.pg_ctl("start", "-w", "-t", "60", "-l", str(own_postgres.base / "log"))

    assert b.codes_left() == 10, "neither reset spent the code"
    run = reset(b, {OFFER: "yes", CODE: codes[0], NEW: new, RETYPE: new})
    assert run.results["authenticate"] == PAM_SUCCESS and verify(hash_of(b.shadow.read_bytes(), "alice"), new)
    assert a.codes_left() == 9


def postgres_processes(cluster):
    """The postmaster and its children (backends, checkpointer, ...)."""
    master = cluster.postmaster_pid()
    children = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                if entry.isdigit() and int(f.read().rsplit(")", 1)[1].split()[1]) == master:
                    children.append(int(entry))
        except (OSError, ValueError):
            pass
    return [master] + children


class Frozen:
    """SIGSTOP to the whole server (the postmaster first, so it forks nothing new), SIGCONT on leaving: a
    server that accepts connections into its listen queue and then never answers."""

    def __init__(self, cluster):
        self.cluster = cluster

    def __enter__(self):
        self.pids = postgres_processes(self.cluster)
        self._signal(self.pids, signal.SIGSTOP)
        return self

    def __exit__(self, *exc):
        self._signal(reversed(self.pids), signal.SIGCONT)

    @staticmethod
    def _signal(pids, sig):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass  # a backend that ended meanwhile


def test_a_frozen_server_costs_store_timeout_not_a_login(fleet, own_postgres):
    """store_timeout = 2s and the server frozen (SIGSTOP): a reset whose connection is open (at the proof
    prompt), one frozen while the new password is typed (the spend gets no answer) and one that must connect
    first all end within the timeout plus a margin, with "not available right now"; nothing written or spent
    (after SIGCONT the code completes a reset)."""
    a, b = fleet(2, f"helpdesk = {HELPDESK}\nstore_timeout = 2s\n", cluster=own_postgres)
    codes = enrol_codes(a, "alice")
    before = b.shadow.read_bytes()
    new = "After-freeze-Pw-8"
    # Connected before the freeze: the proof's statements get no answer.
    run = b.run()
    assert run.answer({OFFER: "yes"}, until=CODE) == CODE
    with Frozen(own_postgres):
        took = elapsed_reset(run, {CODE: codes[0]}, waiting=CODE)
    assert not_available_now(run), run.transcript
    assert 1.8 < took < 6, f"{took:.1f} s: bounded by store_timeout, and the server was really waited for"
    print(f"\nfrozen at the proof prompt: {took:.2f} s")
    # Connected and the code checked; frozen at "New password:": the spend in the commit gets no answer.
    run = b.run()
    assert run.answer({OFFER: "yes", CODE: codes[0]}, until=NEW) == NEW
    with Frozen(own_postgres):
        took = elapsed_reset(run, {NEW: new, RETYPE: new}, waiting=NEW)
    assert not_available_now(run) and 1.8 < took < 6, (took, run.transcript)
    print(f"frozen at 'New password:': {took:.2f} s")
    # Frozen before the conversation: the connection is never answered (libpq's connect_timeout, 2 s).
    with Frozen(own_postgres):
        run = b.run()
        took = elapsed_reset(run, {OFFER: "yes"})
    assert not_available_now(run) and 1.8 < took < 6, (took, run.transcript)
    print(f"frozen before connecting: {took:.2f} s")
    assert b.shadow.read_bytes() == before and b.codes_left() == 10
    run = reset(b, {OFFER: "yes", CODE: codes[0], NEW: new, RETYPE: new})
    assert run.results["authenticate"] == PAM_SUCCESS and verify(hash_of(b.shadow.read_bytes(), "alice"), new)


def test_a_blackholed_store_address_costs_store_timeout(driver, own_postgres):
    """The store's address is routed into a black hole: in the machine's own network namespace, 10.99.0.0/24
    goes out through lo, where the kernel drops packets for an address it does not have, so the SYN gets no
    answer at all (a `blackhole` or `prohibit` route would fail the connect at once, which proves nothing about
    the timeout). The reset and `sspr admin check` each end within store_timeout plus a margin."""
    net = "ip link set lo up && ip route add 10.99.0.0/24 dev lo"
    machine = Machine(driver, "lab-far", "", net_setup=net)
    try:
        ca = machine.root / "etc/store-ca.crt"
        ca.write_text("never read: no server answers\n")
        os.chmod(ca, 0o644)
        machine.fleet_policy(f"helpdesk = {HELPDESK}\nstore_timeout = 2s\n",
                             uri=f"postgresql://sspr@10.99.0.1:5432/sspr?sslmode=verify-full&sslrootcert={ca}"
                                 f"&passfile={own_postgres.passfile}")
        before = machine.shadow.read_bytes()
        run = machine.run()
        took = elapsed_reset(run, {OFFER: "yes"})
        assert not_available_now(run) and 1.8 < took < 6, (took, run.transcript)
        print(f"\nblackholed: the reset took {took:.2f} s", end="")
        assert machine.shadow.read_bytes() == before
        started = time.monotonic()
        check = machine.sspr("admin", "check", check=False)
        took = time.monotonic() - started
        out = (check.stdout + check.stderr).decode()
        assert check.returncode != 0 and "not reachable" in out and "10.99.0.1" in out, out
        assert took < 6, f"admin check took {took:.1f} s"
        print(f", admin check {took:.2f} s")
    finally:
        machine.remove()


def test_tls_verify_full_store(fleet):
    """Over TCP with sslmode=verify-full: enrolment on one machine, a reset on another, and admin check naming
    TLS 1.3 and the server's version; the same server named with sslmode=require is refused."""
    cluster = pg_cluster.Cluster(tls=True).start()
    try:
        db = cluster.create_database()
        a, b = fleet(2, cluster=cluster)  # a socket database of its own, replaced below by the TLS URI
        for m in (a, b):
            m.fleet_policy(uri=cluster.tls_uri(db))
        a.sspr("admin", "init")
        codes = enrol_codes(a, "alice")
        new = "Over-TLS-Pw-9"
        run = reset(b, {OFFER: "yes", CODE: codes[0], NEW: new, RETYPE: new})
        assert run.results["authenticate"] == PAM_SUCCESS and verify(hash_of(b.shadow.read_bytes(), "alice"), new)
        assert a.codes_left() == 9
        hosts = {(r["event"], r["host"]) for r in a.audit()}
        assert ("enroll", "lab-a") in hosts and ("reset", "lab-b") in hosts
        version = cluster.psql("SHOW server_version").split()[0]
        out = b.sspr("admin", "check").stdout.decode()
        assert f"store engine: PostgreSQL {version} at 127.0.0.1, TLS TLSv1.3, schema version 6 of 6" in out, out
        # Encrypted but the server unverified: refused before connecting, naming what is required.
        b.fleet_policy(uri=f"postgresql://sspr@127.0.0.1:{cluster.port}/{db}?sslmode=require&passfile={cluster.passfile}")
        check = b.sspr("admin", "check", check=False)
        out = (check.stdout + check.stderr).decode()
        assert check.returncode != 0 and "sslmode=require" in out and "verify-full" in out, out
        assert "store engine:" not in out
        # A URI that names no host means the local socket; a root shell's PGHOST/PGPORT (libpq's defaults for
        # what the URI leaves out) must not take it to TCP unverified. Before the fix this connected: "store
        # engine: PostgreSQL ... at 127.0.0.1, TLS TLSv1.3" with sslmode=prefer, the server never verified.
        b.fleet_policy(uri=f"postgresql:///{db}?user=sspr&passfile={cluster.passfile}")
        shell = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(cluster.port))
        for command in (("admin", "check"), ("admin", "enroll", "bob", "recovery-codes")):
            r = b.sspr(*command, check=False, env=shell)
            out = (r.stdout + r.stderr).decode()
            assert r.returncode != 0 and "127.0.0.1" in out and "sslmode=prefer" in out and "verify-full" in out, out
            assert "store engine:" not in out and "Recovery codes for" not in out
    finally:
        cluster.close()


def test_a_machine_stuck_holding_the_fleet_lock_costs_others_store_timeout(fleet, postgres):
    """A session that took the fleet's advisory lock in an open transaction and went quiet (a machine frozen
    mid-transaction, as the server sees it): a reset on another machine waits for the lock at most
    store_timeout (lock_timeout), ends with "not available right now" and spends nothing; once the lock is
    free the same code completes the reset."""
    a, b = fleet(2, f"helpdesk = {HELPDESK}\nstore_timeout = 2s\n")
    codes = enrol_codes(a, "alice")
    db = a.uri.split("?")[0].rsplit("/", 1)[1]
    holder = subprocess.Popen(["psql", "-qAtX", "-h", str(postgres.sock), "-p", str(postgres.port), "-U", "sspr", "-d", db],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PGPASSFILE=str(postgres.passfile)))
    try:
        holder.stdin.write("BEGIN; SELECT pg_advisory_xact_lock(1936945266); SELECT 'held';\n")  # 0x73737072, "sspr"
        holder.stdin.flush()
        assert [holder.stdout.readline().strip() for _ in range(2)] == ["", "held"]  # the lock's void, then ours
        run = b.run()
        assert run.answer({OFFER: "yes"}, until=CODE) == CODE
        took = elapsed_reset(run, {CODE: codes[0]}, waiting=CODE)
        assert not_available_now(run) and 1.8 < took < 6, (took, run.transcript)
        print(f"\nthe fleet lock held elsewhere: the reset ended after {took:.2f} s")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    new = "After-the-lock-Pw-3"
    run = reset(b, {OFFER: "yes", CODE: codes[0], NEW: new, RETYPE: new})
    assert run.results["authenticate"] == PAM_SUCCESS and verify(hash_of(b.shadow.read_bytes(), "alice"), new)
    assert a.codes_left() == 9
