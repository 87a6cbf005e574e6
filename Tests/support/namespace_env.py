"""Runs inside a private mount + pid namespace (started by e2e_support.run_ns): makes the namespace look like a
freshly installed system with pam_sspr.so in its PAM stacks, without changing a single host file.

  /etc        a copy of the host's /etc, bind-mounted over /etc (the host's /etc is never written)
  /var/lib    a private tmpfs holding only sspr/ (0700 root:root: the module's store directory)
  /var/log, /run, /dev/shm   private tmpfs (login writes wtmp/lastlog, sshd wants /run/sshd, sudo /run/sudo)
  /dev        a private tmpfs with the host's null/zero/urandom/tty/ptmx/pts bound in, plus /dev/log: a
              datagram socket this process reads, so every syslog line (pam_syslog) is collected

The module is named by absolute path and given no root= argument: it uses /etc/security/sspr.conf and
/var/lib/sspr/sspr.db of the namespace, exactly as on an installed system."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
NOT_AVAILABLE = "Password reset is not available for this account."
RESET_DONE = "Your password has been reset."


def sh(*cmd, input=None, check=True):
    r = subprocess.run([str(c) for c in cmd], input=input, capture_output=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{cmd} failed rc={r.returncode}: {r.stderr.decode(errors='replace')}")
    return r


class Syslog:
    """Collects every datagram sent to /dev/log in the namespace."""

    def __init__(self, path="/dev/log"):
        self.lines = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            self.lines.append(data.decode(errors="replace"))


class Namespace:
    def __init__(self, module, sspr, policy="", pwquality="minlen = 8\ndictcheck = 0\n", syslog=True):
        self.module, self.sspr_bin = module, sspr
        self.work = tempfile.mkdtemp(prefix="sspr-e2e-ns-")
        os.chmod(self.work, 0o755)
        etc = os.path.join(self.work, "etc")
        sh("cp", "-a", "/etc", etc)
        sh("mount", "--bind", etc, "/etc")
        self.etc_is_copy = os.stat("/etc").st_ino == os.stat(etc).st_ino
        sh("mount", "-t", "tmpfs", "-o", "mode=0755", "e2e-varlib", "/var/lib")
        os.mkdir("/var/lib/sspr", 0o700)
        for d in ("/var/log", "/run"):
            sh("mount", "-t", "tmpfs", "-o", "mode=0755", "e2e-" + d.strip("/").replace("/", "-"), d)
        os.mkdir("/run/sshd", 0o755)
        self._private_dev()
        self.syslog = Syslog() if syslog else None
        os.makedirs("/etc/security", exist_ok=True)
        self.policy(policy)
        with open("/etc/security/pwquality.conf", "w") as f:
            f.write(pwquality)
        # The package installs the question catalogue with the module (make install).
        catalogue = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "config", "sspr-questions.conf")
        if not os.path.exists("/etc/security/sspr-questions.conf"):
            sh("install", "-m", "0644", catalogue, "/etc/security/sspr-questions.conf")
        # No nscd / sssd from the host can serve stale answers here: /run is private.

    def _private_dev(self):
        old = os.path.join(self.work, "olddev")
        os.mkdir(old)
        sh("mount", "--rbind", "/dev", old)
        sh("mount", "-t", "tmpfs", "-o", "mode=0755", "e2e-dev", "/dev")
        for n in ("null", "zero", "full", "random", "urandom", "tty"):
            open(f"/dev/{n}", "w").close()
            sh("mount", "--bind", f"{old}/{n}", f"/dev/{n}")
        # A private devpts instance: the namespace's pseudo-terminals are its own.
        os.mkdir("/dev/pts")
        sh("mount", "-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=0620,gid=5", "e2e-devpts", "/dev/pts")
        os.symlink("pts/ptmx", "/dev/ptmx")
        os.mkdir("/dev/shm")
        sh("mount", "-t", "tmpfs", "-o", "mode=1777", "e2e-shm", "/dev/shm")
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                             ("stderr", "/proc/self/fd/2")):
            os.symlink(target, f"/dev/{name}")

    def policy(self, text):
        with open("/etc/security/sspr.conf", "w") as f:
            f.write(text)
        os.chmod("/etc/security/sspr.conf", 0o644)

    def stack(self, service, unix=True, extra_auth=()):
        """The SPEC 5 stack (+ pam_unix for account, password and session) for `service`."""
        lines = []
        if unix:
            lines.append("auth    [success=2 default=ignore]  pam_unix.so nullok nodelay")
        lines += [
            f"auth    [success=1 default=ignore]  {self.module}",
            "auth    requisite                   pam_deny.so",
            "auth    required                    pam_permit.so",
            "account required                    pam_unix.so",
            "password required                   pam_unix.so",
            "session required                    pam_unix.so",
            f"session optional                    {self.module}",
        ]
        with open(f"/etc/pam.d/{service}", "w") as f:
            f.write("\n".join(lines) + "\n")

    def user(self, name, password):
        home = os.path.join(self.work, "home-" + name)
        sh("useradd", "-M", "-N", "-d", home, "-s", "/bin/sh", name)
        os.mkdir(home, 0o755)
        pw = sh("getent", "passwd", name).stdout.decode().split(":")
        os.chown(home, int(pw[2]), int(pw[3]))
        sh("chpasswd", "-e", input=f"{name}:{crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))}\n".encode())
        return int(pw[2]), int(pw[3])

    def sspr(self, *args, stdin=b"", check=True):
        return sh(self.sspr_bin, *args, input=stdin, check=check)

    def codes(self, user):
        out = self.sspr("admin", "enroll", user, "recovery-codes", "--replace").stdout.decode().split("\n")
        return [l.strip() for l in out[1:] if l.strip()]

    def shadow_hash(self, user):
        for line in open("/etc/shadow").read().split("\n"):
            f = line.split(":")
            if f[0] == user:
                return f[1]
        return None

    def verify_password(self, user, password):
        h = self.shadow_hash(user)
        return bool(h) and h[0] not in "!*" and crypt.crypt(password, h) == h

    def audit(self, user=None):
        args = ["admin", "audit", "--json"] + (["--user", user] if user else [])
        return json.loads(self.sspr(*args).stdout or b"[]")

    def store_mode(self):
        st_dir, st_db = os.stat("/var/lib/sspr"), os.stat("/var/lib/sspr/sspr.db")
        return [oct(st_dir.st_mode & 0o7777), st_dir.st_uid, oct(st_db.st_mode & 0o7777), st_db.st_uid]


def done(result, ns=None):
    """The script's last stdout line: the JSON result the test reads (with the work directory, which the host
    removes once the namespace and its mounts are gone)."""
    if ns is not None:
        result["work"] = ns.work
    sys.stdout.flush()
    print(json.dumps(result), flush=True)


def wait_for_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False
