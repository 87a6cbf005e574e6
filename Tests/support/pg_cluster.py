# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""A throwaway PostgreSQL server from Debian's postgresql package, for the fleet-store tests: initdb and pg_ctl in
a temporary directory (run as the postgres user: initdb refuses root), a unix socket in that directory, and on
request TLS on a free loopback port with a CA and server certificate made here. Clients authenticate with
SCRAM through a root-only passfile, as the README tells a fleet to.

As a program: `python3 pg_cluster.py run -- COMMAND...` starts a server, exports SSPR_TEST_POSTGRES (a URI
whose role may create databases: each test sandbox makes its own) and runs COMMAND, then stops the server."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PASSWORD = "fleet-store-secret-9"


def pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    return Path(found[-1]).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, tls=False):
        self.tls = tls
        self.base = Path(tempfile.mkdtemp(prefix="sspr-pg-"))
        self.data = self.base / "data"
        self.sock = self.base / "sock"
        self.port = free_port() if tls else 5432
        self.passfile = self.base / "pgpass"
        self.ca = self.base / "ca.crt"
        self.bin = pg_bin()
        self.pw = pwd.getpwnam("postgres")

    # -- lifecycle ------------------------------------------------------------------------------------------
    def start(self):
        os.chmod(self.base, 0o755)
        self.sock.mkdir()
        os.chown(self.base, self.pw.pw_uid, self.pw.pw_gid)
        os.chown(self.sock, self.pw.pw_uid, self.pw.pw_gid)
        pwfile = self.base / "initpw"
        pwfile.write_text(PASSWORD + "\n")
        os.chown(pwfile, self.pw.pw_uid, self.pw.pw_gid)
        self._as_postgres([self.bin / "initdb", "-D", self.data, "-U", "postgres", "--pwfile", pwfile,
                           "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"])
        pwfile.unlink()
        conf = [f"unix_socket_directories = '{self.sock}'", f"port = {self.port}",
                "listen_addresses = '127.0.0.1'" if self.tls else "listen_addresses = ''", "max_connections = 300"]
        if self.tls:
            self._make_certificates()
            conf += ["ssl = on", f"ssl_cert_file = '{self.base}/server.crt'", f"ssl_key_file = '{self.base}/server.key'"]
        with open(self.data / "postgresql.conf", "a") as f:
            f.write("\n".join(conf) + "\n")
        # TCP only with TLS; the socket with SCRAM like TCP, so the passfile is what logs in everywhere.
        (self.data / "pg_hba.conf").write_text(
            "local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n")
        self.passfile.write_text(f"*:*:*:*:{PASSWORD}\n")
        os.chmod(self.passfile, 0o600)
        self.pg_ctl("start", "-w", "-t", "60", "-l", str(self.base / "log"))
        self.psql("CREATE ROLE sspr LOGIN PASSWORD '%s'" % PASSWORD)
        return self

    def pg_ctl(self, *args):
        self._as_postgres([self.bin / "pg_ctl", "-D", self.data, *args])

    def stop(self, mode="fast"):
        self.pg_ctl("stop", "-m", mode, "-w")

    def close(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.base, ignore_errors=True)

    def postmaster_pid(self):
        return int((self.data / "postmaster.pid").read_text().split("\n")[0])

    # -- databases ------------------------------------------------------------------------------------------
    def psql(self, sql, db="postgres", user="postgres"):
        env = dict(os.environ, PGPASSFILE=str(self.passfile))
        r = subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-qAtX", "-h", str(self.sock), "-p", str(self.port),
                            "-U", user, "-d", db, "-c", sql], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise RuntimeError(f"psql failed: {r.stderr}")
        return r.stdout.strip()

    def create_database(self, owner="sspr"):
        """A fresh database owned by `owner`, as the README's recipe makes one: the role owns its database and
        the tables sspr creates in it, and has no other rights (no superuser, no CREATEDB)."""
        name = "sspr_" + uuid.uuid4().hex[:12]
        self.psql(f"CREATE DATABASE {name} OWNER {owner}")
        # PostgreSQL 15: the owner owns schema public (pg_database_owner) and PUBLIC may not create in it.
        self.psql(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC", db=name)
        return name

    def uri(self, db, user="sspr"):
        """The store URI a machine's policy names: the local socket, SCRAM via the root-only passfile."""
        return f"postgresql:///{db}?host={self.sock}&port={self.port}&user={user}&passfile={self.passfile}"

    def tls_uri(self, db, user="sspr"):
        return (f"postgresql://{user}@127.0.0.1:{self.port}/{db}?sslmode=verify-full&sslrootcert={self.ca}"
                f"&passfile={self.passfile}")

    # -- internals ------------------------------------------------------------------------------------------
    def _as_postgres(self, argv):
        subprocess.run(["runuser", "-u", "postgres", "--", *map(str, argv)], check=True, capture_output=True,
                       cwd="/")

    def _make_certificates(self):
        b = self.base

        def ssl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=b)
        ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=sspr test CA",
            "-keyout", "ca.key", "-out", "ca.crt")
        ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr")
        (b / "san.ext").write_text("subjectAltName = IP:127.0.0.1\n")
        ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "san.ext", "-out", "server.crt")
        os.chmod(b / "server.key", 0o600)
        os.chown(b / "server.key", self.pw.pw_uid, self.pw.pw_gid)
        os.chmod(b / "ca.crt", 0o644)


def main():
    if len(sys.argv) < 3 or sys.argv[1] != "run" or sys.argv[2] != "--":
        sys.exit("usage: pg_cluster.py run -- COMMAND...")
    cluster = Cluster().start()
    try:
        cluster.psql("ALTER ROLE sspr CREATEDB")
        env = dict(os.environ, SSPR_TEST_POSTGRES=cluster.uri("postgres"))
        sys.exit(subprocess.run(sys.argv[3:], env=env).returncode)
    finally:
        cluster.close()


if __name__ == "__main__":
    main()
