"""Real keyrings, wrapped passphrases and fscrypt protectors for the home-secrets tests, made by the programs
that make them on a desktop: Debian's gnome-keyring-daemon, ecryptfs-utils' ecryptfs-wrap-passphrase and
fscrypt. Nothing here touches the host's /etc: the sandbox's users reach dbus-daemon and pam_gnome_keyring
through nss_wrapper (libnss-wrapper), fscrypt runs in a private mount namespace on a loop-mounted ext4 image."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

NSS_WRAPPER = "/usr/lib/x86_64-linux-gnu/libnss_wrapper.so"
UID = {"alice": 1001, "bob": 1002}

# Asks the secrets service over the session bus whether the login collection is locked.
ASK_LOCKED = ("dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets/collection/login"
              " org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked")
# gnome-keyring-daemon --unlock reads the password on stdin (and creates the login keyring with it when there is
# none); then the question above.
UNLOCK_AND_ASK = "gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 3\n" + ASK_LOCKED + "\n"


def make_home(box, user="alice", mode=0o700):
    home = box.root / "home" / user
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, UID[user], UID[user])
    os.chmod(home, mode)
    return home


def nss_env(box):
    """Environment for a process that must see the sandbox's accounts through NSS (homes under the sandbox)."""
    nss = box.root / "nss"
    nss.mkdir(exist_ok=True)
    passwd = (box.root / "etc/passwd").read_text().replace(":/home/", f":{box.root}/home/")
    (nss / "passwd").write_text(passwd)
    shutil.copy(box.root / "etc/group", nss / "group")
    return {"LD_PRELOAD": NSS_WRAPPER, "NSS_WRAPPER_PASSWD": str(nss / "passwd"),
            "NSS_WRAPPER_GROUP": str(nss / "group")}


def user_processes(home):
    """Pids of processes whose HOME is `home` (the keyring daemons a test started), to end them by pid."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"HOME={home}".encode() in env:
            pids.append(int(entry.name))
    return pids


def end_processes(home):
    for pid in user_processes(home):
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


def keyring_locked(box, home, password, user="alice"):
    """Runs the real gnome-keyring-daemon as `user` with HOME=`home` on a private session bus, unlocks with
    `password` (creating the login keyring if there is none) and returns the secrets service's answer to
    "is the login collection locked?" (True, False). The password goes on stdin, never in argv."""
    runtime = Path(tempfile.mkdtemp(prefix="kr-run-", dir=box.root))
    os.chown(runtime, UID[user], UID[user])
    os.chmod(runtime, 0o700)
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": str(runtime),
           "XDG_DATA_HOME": str(home / ".local/share"), **nss_env(box)}
    # Output goes to files, not pipes: a daemon that outlives the bus would hold a pipe open, and the wait is
    # for dbus-run-session only; whatever it leaves behind is ended by pid.
    out_path, err_path = runtime.with_suffix(".out"), runtime.with_suffix(".err")
    try:
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            p = subprocess.Popen(["setpriv", f"--reuid={UID[user]}", f"--regid={UID[user]}", "--clear-groups",
                                  "dbus-run-session", "--", "sh", "-c", UNLOCK_AND_ASK],
                                 stdin=subprocess.PIPE, stdout=out, stderr=err, env=env)
            p.communicate(password.encode(), timeout=60)
    finally:
        end_processes(home)
    answer = out_path.read_text()
    assert p.returncode == 0 and "boolean" in answer, (p.returncode, answer, err_path.read_text())
    return "boolean true" in answer


def wrap_passphrase(path, mount_passphrase, login_password, uid):
    """An eCryptfs wrapped passphrase, as ecryptfs-setup-private leaves it: the mount passphrase wrapped with
    the login password by ecryptfs-wrap-passphrase."""
    path.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["ecryptfs-wrap-passphrase", str(path), "-"],
                       input=f"{mount_passphrase}\n{login_password}".encode(), capture_output=True, timeout=30)
    assert r.returncode == 0 and path.exists(), r.stderr.decode()
    os.chown(path, uid, uid)
    for parent in (path.parent,):
        os.chown(parent, uid, uid)
    return path


def fscrypt_login_protector(box, user, login_password, destination):
    """A real fscrypt login protector (source pam_passphrase) for `user`, made by fscrypt on a loop-mounted
    ext4 image in a private mount namespace, copied to `destination` (a sandbox `/.fscrypt`).

    fscrypt checks the login passphrase through PAM service "fscrypt"; the sandbox's users have no system
    password, so inside that namespace only, /etc/pam.d is a directory whose "fscrypt" service permits. The
    protector's bytes are fscrypt's own either way."""
    work = Path(tempfile.mkdtemp(prefix="fscrypt-", dir=box.root))
    (work / "mnt").mkdir()
    (work / "pam.d").mkdir()
    (work / "pam.d" / "fscrypt").write_text("auth required pam_permit.so\n")
    subprocess.run(["truncate", "-s", "8M", str(work / "img")], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-O", "encrypt", str(work / "img")], check=True)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "FSCRYPT_CONF": str(work / "fscrypt.conf"),
           "FSCRYPT_ROOT_MNT": str(work / "mnt"), **nss_env(box)}
    script = f"""
        set -e
        mount -o loop {work}/img {work}/mnt
        trap 'umount {work}/mnt' EXIT
        mount --bind {work}/pam.d /etc/pam.d
        # The global setup writes FSCRYPT_CONF and sets up FSCRYPT_ROOT_MNT, where login protectors live.
        fscrypt setup --quiet --force
        fscrypt metadata create protector {work}/mnt --source=pam_passphrase --user={user} --quiet
        cp -a {work}/mnt/.fscrypt {destination}
    """
    r = subprocess.run(["unshare", "-m", "sh", "-c", script], input=f"{login_password}\n".encode(),
                       capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    shutil.rmtree(work, ignore_errors=True)
    protectors = list((destination / "protectors").iterdir())
    assert protectors, "fscrypt made no protector"
    return protectors
