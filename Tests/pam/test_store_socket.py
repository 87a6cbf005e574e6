# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Who may serve the fleet store on a unix socket (docs/security.md, "The store's socket"), through the real libpam
and real PostgreSQL servers. An unprivileged user who starts a server of their own in a directory anyone may
write (like /tmp, upstream PostgreSQL's default) while the real one is down must not serve the store: their
recovery code would reset any account. So the socket directory must be root's or the server user's and writable
by nobody else, abstract names and service= are refused, and the server process must run as the server user
(libpq requirepeer, default postgres); `sspr admin check` names the problem, or who serves the store."""
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import Script
from fleet_support import pg_cluster
from stress_support import PAM_SUCCESS, enrol_codes, hash_of, verify

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
CODE, NEW, RETYPE = "Recovery code: ", "New password: ", "Retype new password: "
NOT_NOW = "Password reset is not available right now."
# A store the policy names but sspr refuses to trust is a configuration problem: the same words as any account
# the reset is not available for.
REFUSED = "Password reset is not available for this account."
PASSWORD = "Brand-new-Pw-42"


class SquatterCluster(pg_cluster.Cluster):
    """A PostgreSQL server started by an unprivileged user (nobody), with its own roles and data."""

    def __init__(self):
        super().__init__(tls=False)
        self.pw = pwd.getpwnam("nobody")

    def _as_postgres(self, argv):
        subprocess.run(["runuser", "-u", "nobody", "--", *map(str, argv)], check=True, capture_output=True, cwd="/")


@pytest.fixture(scope="module")
def squatter():
    cluster = SquatterCluster().start()
    cluster.psql("ALTER ROLE sspr CREATEDB")
    yield cluster
    cluster.close()


@pytest.fixture(scope="module")
def postgres():
    cluster = pg_cluster.Cluster(tls=False).start()
    yield cluster
    cluster.close()


def squatted_store(sandbox, cluster):
    """The squatter's store already holds a recovery code of their making for alice (made here with the CLI while
    the check is off, as the squatter would with their own tools)."""
    db = cluster.create_database()
    return cluster.uri(db), db


def offer_taken(sandbox, code="ABCDE-FGHJK"):
    return sandbox.pam("alice", Script({OFFER: "yes", CODE: code, NEW: PASSWORD, RETYPE: PASSWORD}))


def test_a_store_served_by_an_unprivileged_users_server_is_refused(sandbox, squatter):
    uri, _ = squatted_store(sandbox, squatter)
    sandbox.store_uri = uri
    sandbox.policy("methods = recovery_code\n")
    before = sandbox.shadow.read_bytes()
    transcript, results = offer_taken(sandbox)
    assert results["authenticate"] != PAM_SUCCESS
    assert ("ERROR", REFUSED) in transcript
    assert not any(t == CODE for _, t in transcript), "no proof is asked of a store nobody can trust"
    assert sandbox.shadow.read_bytes() == before
    check = sandbox.sspr("admin", "check", check=False)
    out = check.stdout.decode() + check.stderr.decode()
    assert check.returncode != 0
    assert f"store socket directory {squatter.sock} is not owned by root or postgres" in out


def test_a_socket_in_a_world_writable_directory_is_refused_even_if_root_owns_it(sandbox, squatter):
    """host=/tmp: root owns it, but anyone may create a socket there (sticky or not)."""
    shared = Path(tempfile.mkdtemp(prefix="sspr-tmp-"))
    try:
        os.chmod(shared, 0o1777)
        sandbox.store_uri = f"postgresql:///sspr?host={shared}&port={squatter.port}&user=sspr&passfile={squatter.passfile}"
        sandbox.policy("methods = recovery_code\n")
        transcript, _ = offer_taken(sandbox)
        assert ("ERROR", REFUSED) in transcript
        out = sandbox.sspr("admin", "check", check=False).stdout.decode()
        assert f"store socket directory {shared} is writable by others" in out
    finally:
        shutil.rmtree(shared)


@pytest.mark.parametrize("uri, message", [
    ("postgresql:///sspr?host=@sspr-store", "host=@sspr-store is an abstract socket"),
    ("postgresql:///sspr?service=fleet", "store URI must not use service="),
])
def test_abstract_sockets_and_services_are_refused(sandbox, uri, message):
    sandbox.store_uri = uri
    sandbox.policy("methods = recovery_code\n")
    transcript, _ = offer_taken(sandbox)
    assert ("ERROR", REFUSED) in transcript
    out = sandbox.sspr("admin", "check", check=False).stdout.decode()
    assert message in out


def test_the_real_server_works_and_admin_check_names_who_serves_it(sandbox, postgres):
    db = postgres.create_database()
    sandbox.store_uri = postgres.uri(db)
    sandbox.policy("methods = recovery_code\n")
    sandbox.sspr("admin", "init")
    codes = enrol_codes(sandbox, "alice")
    out = sandbox.sspr("admin", "check", check=False).stdout.decode()
    assert f"local socket, served by postgres, no TLS" in out, out
    transcript, results = offer_taken(sandbox, codes[0])
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert verify(hash_of(sandbox.shadow.read_bytes(), "alice"), PASSWORD)


def test_requirepeer_pins_the_server_user_whatever_the_files_say(sandbox, squatter):
    """A root-owned directory and a socket file chowned to root, but the process behind it runs as nobody: libpq's
    requirepeer (postgres by default) refuses it before anything is sent."""
    sock_dir = squatter.sock
    socket_file = sock_dir / f".s.PGSQL.{squatter.port}"
    os.chown(sock_dir, 0, 0)
    os.chmod(sock_dir, 0o755)
    os.chown(socket_file, 0, 0)
    try:
        sandbox.store_uri = squatter.uri(squatter.create_database())
        sandbox.policy("methods = recovery_code\n")
        transcript, _ = offer_taken(sandbox)
        assert ("ERROR", NOT_NOW) in transcript
        out = sandbox.sspr("admin", "check", check=False)
        text = out.stdout.decode() + out.stderr.decode()
        assert out.returncode != 0 and "requirepeer" in text, text
    finally:
        nobody = pwd.getpwnam("nobody")
        os.chown(sock_dir, nobody.pw_uid, nobody.pw_gid)
        os.chown(socket_file, nobody.pw_uid, nobody.pw_gid)
