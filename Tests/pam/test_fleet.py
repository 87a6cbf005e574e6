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
import time

import pytest

from fleet_support import Machine, drive_together, errors, make_fleet, pg_cluster
from stress_support import (PAM_AUTHTOK_ERR, PAM_AUTH_ERR, PAM_SUCCESS, enrol_codes, hash_of, only_changed, verify)

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
    """fleet(count, policy) -> machines lab-a, lab-b, ... on a fresh database of the module's server."""
    made = []

    def make(count=4, policy=""):
        machines = make_fleet(driver, postgres.uri(postgres.create_database()), count, policy)
        made.extend(machines)
        return machines
    yield make
    for m in made:
        m.remove()


def totp_now():
    import subprocess
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
        assert f"store engine: PostgreSQL {version} at {postgres.sock}, local socket, no TLS, schema version 4 of 4" in line, out
