# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""A throwaway OpenLDAP server for the LDAP writeback tests (Debian's slapd 2.5, never a mock).

Everything lives in one temporary directory: cn=config built with `slapadd -n0`, an mdb database for
dc=example,dc=org filled with `slapadd -n1`, a CA and a server certificate made with openssl, the ppolicy
overlay (ppolicy.la; in 2.5 its schema is built into the module) with a default policy, and an ldapi socket.
slapd listens on 127.0.0.1 only (ldap:// for StartTLS and ldaps://, each on a free port) and runs in the
foreground as a child of the test, so a crashed test leaves no daemon behind.

The reset account `cn=sspr-reset,ou=services,dc=example,dc=org` is not the rootdn: it may read people's
entries and *write* (not manage) their userPassword. ppolicy counts an identity with *manage* access to the
password attribute as a password administrator, who sets pwdReset; write access makes the reset the user's own
change (see docs/ldap-writeback.md). `acl="manage"` builds the other server, for the test that shows why.

Use from pytest:

    from slapd_server import slapd          # the fixture (function scope)
    def test_x(slapd): slapd.whoami("alice", "Old-password-1")
"""
import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

SUFFIX = "dc=example,dc=org"
PEOPLE = f"ou=people,{SUFFIX}"
RESET_DN = f"cn=sspr-reset,ou=services,{SUFFIX}"
RESET_PASSWORD = "Reset-account-pw-7"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "Root-dn-pw-9"
OLD_PASSWORD = "Old-password-1"
# Users in the directory; the PAM sandbox has local accounts of the same names (uid binding of registrations).
USERS = ("alice", "bob", "gina", "hank")
# Their uids in the sandbox's /etc/passwd (Tests/Fixtures/sandbox-etc/passwd): an entry's uidNumber must be the local
# account's (docs/security.md, "The right directory entry").
UIDS = {"alice": 1001, "bob": 1002, "gina": 1007, "hank": 1008}
# The default policy: pwdMustChange TRUE makes ppolicy set pwdReset on every administrator's change.
POLICY = {"pwdMinLength": "12", "pwdInHistory": "3", "pwdCheckQuality": "2", "pwdMustChange": "TRUE",
          "pwdAllowUserChange": "TRUE", "pwdSafeModify": "FALSE", "pwdLockout": "TRUE", "pwdMaxFailure": "5"}
MODULE_DIR = "/usr/lib/ldap"
SLAPD = "/usr/sbin/slapd"


def ssha(password):
    """{SSHA} as slappasswd writes it, so the fixture needs no slappasswd run per user."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_ca(directory, name):
    """A CA key and certificate (`name`.pem): the good one signs the server, a second one is the "bad CA"."""
    key, cert = directory / f"{name}.key", directory / f"{name}.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN=sspr test {name}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return key, cert


def make_server_cert(directory, ca_key, ca_cert):
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ext = directory / "server.ext"
    ext.write_text("subjectAltName = IP:127.0.0.1, DNS:localhost\nextendedKeyUsage = serverAuth\n")
    subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(csr)], check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key), "-CAcreateserial",
                    "-days", "2", "-extfile", str(ext), "-out", str(cert)], check=True, capture_output=True)
    return key, cert


class Slapd:
    def __init__(self, directory, acl="write"):
        self.dir = Path(directory)
        self.acl = acl
        self.confdir = self.dir / "slapd.d"
        self.dbdir = self.dir / "db"
        self.socket = self.dir / "ldapi"
        self.ldap_port, self.ldaps_port = free_port(), free_port()
        self.proc = None
        ca_key, self.ca_file = make_ca(self.dir, "ca")
        _, self.other_ca_file = make_ca(self.dir, "other-ca")
        self.server_key, self.server_cert = make_server_cert(self.dir, ca_key, self.ca_file)
        self._build()

    # Addresses as the policy and the clients name them.
    @property
    def ldap_uri(self):
        return f"ldap://127.0.0.1:{self.ldap_port}"

    @property
    def ldaps_uri(self):
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    @property
    def ldapi_uri(self):
        return "ldapi://" + urllib.parse.quote(str(self.socket), safe="")

    @staticmethod
    def user_dn(user):
        return f"uid={user},{PEOPLE}"

    def _config_ldif(self):
        reset, people = RESET_DN, PEOPLE
        return f"""dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {self.dir}/slapd.pid
olcTLSCACertificateFile: {self.ca_file}
olcTLSCertificateFile: {self.server_cert}
olcTLSCertificateKeyFile: {self.server_key}

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: {MODULE_DIR}
olcModuleLoad: back_mdb.la
olcModuleLoad: ppolicy.la

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/nis.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: {{0}}to * by dn.exact=gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth manage by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcSuffix: {SUFFIX}
olcRootDN: {ROOT_DN}
olcRootPW: {ssha(ROOT_PASSWORD)}
olcDbDirectory: {self.dbdir}
olcDbMaxSize: 33554432
olcAccess: to dn.subtree="{people}" attrs=userPassword by dn.exact="{reset}" {self.acl} by self write by anonymous auth by * none
olcAccess: to attrs=userPassword by self write by anonymous auth by * none
{self._reset_flag_acl()}olcAccess: to dn.subtree="{people}" by dn.exact="{reset}" read by self read by * none
olcAccess: to * by dn.exact=gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth manage by users read by * none

dn: olcOverlay={{0}}ppolicy,olcDatabase={{1}}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {{0}}ppolicy
olcPPolicyDefault: cn=default,ou=policies,{SUFFIX}
"""

    def _reset_flag_acl(self):
        """With manage access the server sets pwdReset, and sspr removes it after the write: that takes write
        access to pwdReset (docs/ldap-writeback.md). The recommended write-only account needs neither."""
        if self.acl != "manage":
            return ""
        return f'olcAccess: to dn.subtree="{PEOPLE}" attrs=pwdReset by dn.exact="{RESET_DN}" write by self read by * none\n'

    def _data_ldif(self):
        entries = [f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n"]
        for ou in ("people", "services", "policies"):
            entries.append(f"dn: ou={ou},{SUFFIX}\nobjectClass: organizationalUnit\nou: {ou}\n")
        policy = "".join(f"{k}: {v}\n" for k, v in POLICY.items())
        entries.append(f"dn: cn=default,ou=policies,{SUFFIX}\nobjectClass: organizationalRole\nobjectClass: pwdPolicy\n"
                       f"cn: default\npwdAttribute: userPassword\n{policy}")
        entries.append(f"dn: {RESET_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
                       f"cn: sspr-reset\nuserPassword: {ssha(RESET_PASSWORD)}\n")
        for user in USERS:
            entries.append(f"dn: {self.user_dn(user)}\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n"
                           f"objectClass: shadowAccount\nuid: {user}\ncn: {user}\nsn: {user}\nuidNumber: {UIDS[user]}\n"
                           f"gidNumber: 100\nhomeDirectory: /home/{user}\nuserPassword: {ssha(OLD_PASSWORD)}\n")
        return "\n".join(entries)

    def _build(self):
        self.confdir.mkdir()
        self.dbdir.mkdir()
        for name, ldif, db in (("config.ldif", self._config_ldif(), "0"), ("data.ldif", self._data_ldif(), "1")):
            path = self.dir / name
            path.write_text(ldif)
            r = subprocess.run(["slapadd", "-F", str(self.confdir), "-n", db, "-l", str(path)], capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"slapadd -n{db} failed: {r.stderr}")

    def start(self):
        urls = f"{self.ldap_uri}/ {self.ldaps_uri}/ {self.ldapi_uri}/"
        # -d 0: foreground, no debug output; the test owns the process and kills it at teardown. What it says
        # goes to a file (a pipe nobody reads could fill and stop it).
        log = self.dir / "slapd.log"
        with open(log, "wb") as out:
            self.proc = subprocess.Popen([SLAPD, "-d", "0", "-h", urls, "-F", str(self.confdir)],
                                         stdout=subprocess.DEVNULL, stderr=out)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"slapd exited: {log.read_text(errors='replace')}")
            if self.whoami_dn(RESET_DN, RESET_PASSWORD).returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("slapd did not answer ldapwhoami within 20 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    # Clients: ldap-utils over the ldapi socket (no TLS needed there), simple binds.
    def whoami_dn(self, dn, password):
        return subprocess.run(["ldapwhoami", "-x", "-H", self.ldapi_uri, "-D", dn, "-w", password],
                              capture_output=True, text=True, timeout=20)

    def whoami(self, user, password):
        """True when `user` can bind with `password`."""
        return self.whoami_dn(self.user_dn(user), password).returncode == 0

    def attributes(self, user, *names):
        """The values of `names` (operational ones too) of the user's entry, read as the rootdn."""
        r = subprocess.run(["ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", self.ldapi_uri, "-D", ROOT_DN,
                            "-w", ROOT_PASSWORD, "-b", self.user_dn(user), "-s", "base", "(objectClass=*)", *names],
                           capture_output=True, text=True, check=True, timeout=20)
        values = {}
        for line in r.stdout.splitlines():
            key, sep, value = line.partition(": ")
            if sep and key != "dn":
                values.setdefault(key, []).append(value)
        return values

    def modify(self, ldif):
        """Applies `ldif` (changetype lines included) as the rootdn."""
        subprocess.run(["ldapmodify", "-x", "-H", self.ldapi_uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
                       input=ldif, capture_output=True, text=True, check=True, timeout=20)

    def set_password_as_user(self, user, old, new):
        """The user's own Password Modify (ldappasswd -S style), e.g. to fill the history."""
        subprocess.run(["ldappasswd", "-x", "-H", self.ldapi_uri, "-D", self.user_dn(user), "-w", old, "-s", new],
                       capture_output=True, text=True, check=True, timeout=20)


@pytest.fixture
def slapd():
    directory = tempfile.mkdtemp(prefix="sspr-slapd-")
    server = Slapd(directory).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def slapd_manage():
    """The misconfigured server: the reset account has *manage* on userPassword (a password administrator)."""
    directory = tempfile.mkdtemp(prefix="sspr-slapd-")
    server = Slapd(directory, acl="manage").start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
