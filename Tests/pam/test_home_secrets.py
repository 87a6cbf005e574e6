# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Before the new password, the reset says what it will cost (issue 14, items 1 and 2), through the real libpam
and sspr-reset, with keyrings, wrapped passphrases and protectors made by the real programs:

- a GNOME login keyring made by gnome-keyring-daemon: the user is told and asked; under `keyring = move` it is
  set aside, byte for byte, still the user's; the real daemon then makes a fresh one that opens with the new
  password, and the old one still opens with the old password only;
- an eCryptfs wrapped passphrase (ecryptfs-wrap-passphrase) or an fscrypt login protector (fscrypt): refused by
  default with the reason and the helpdesk, shadow byte-identical, no code used up, `reset_failed` audited;
  `encrypted_home = warn` resets after a yes;
- systemd-homed accounts: refused, pointed to homectl;
- symlinks in the home (a keyring pointing at /etc/shadow, a loop, a symlinked .local) are not followed and
  nothing outside the home is renamed;
- with pam_gnome_keyring.so after pam_sspr, the login keyring opens with the new password after the reset."""
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import HELPER, MODULE_FILE, Script
from home_secrets_support import (ASK_LOCKED, NSS_WRAPPER, UID, end_processes, fscrypt_login_protector, keyring_locked, make_home, nss_env,
                                  wrap_passphrase)
from stress_support import PAM_AUTH_ERR, PAM_SUCCESS, PamRun, audit, codes_left, hash_of, required_stack, verify

OFFER = "Forgot your password? Type yes to reset it, or press Enter to try again: "
CODE = "Recovery code: "
NEW, RETYPE = "New password: ", "Retype new password: "
CONTINUE = "Continue? Type yes to reset anyway: "
OLD = "Old-password-1"
PASSWORD = "Brand-new-Pw-42"
ASIDE = re.compile(r"^login\.keyring\.before-reset-\d{4}-\d{2}-\d{2}$")

TOOLS = ["gnome-keyring-daemon", "ecryptfs-wrap-passphrase", "fscrypt", "dbus-run-session", "dbus-daemon", "dbus-send",
         "setpriv", "unshare", "mkfs.ext4"]
pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) or shutil.which(t, path="/usr/sbin:/sbin") for t in TOOLS)
    or not os.path.exists(NSS_WRAPPER) or not os.path.exists("/usr/lib/x86_64-linux-gnu/security/pam_gnome_keyring.so"),
    reason="needs gnome-keyring, libpam-gnome-keyring, ecryptfs-utils, fscrypt, dbus, libnss-wrapper (make deps)")
# fscrypt only makes protectors on a filesystem that supports encryption: an ext4 image on a loop device.
needs_loop = pytest.mark.skipif(not os.path.exists("/dev/loop-control"), reason="no loop devices for an ext4 image")


def enrol_codes(box, user="alice"):
    required_stack(box)
    out = box.sspr("admin", "enroll", user, "recovery-codes").stdout.decode().split("\n")
    return [l.strip() for l in out[1:] if l.strip()]


def prompts(transcript):
    return [t for s, t in transcript if s.startswith("PROMPT")]


def said_before_new_password(transcript):
    """Every message shown before the first "New password:" prompt (or all, when there is none)."""
    lines = []
    for style, text in transcript:
        if style.startswith("PROMPT") and text == NEW:
            break
        if not style.startswith("PROMPT"):
            lines.append(text)
    return "\n".join(lines)


def reset(box, code, cont="yes"):
    return box.pam("alice", Script({OFFER: "yes", CODE: code, CONTINUE: cont, NEW: PASSWORD, RETYPE: PASSWORD}))


def assert_refused(box, words, detail):
    """The reset is refused after the proof, before any password: the user hears `words`, shadow is
    byte-identical, the code is not used up, and the audit says `reset_failed` with `detail`."""
    codes = enrol_codes(box)
    before = box.shadow.read_bytes()
    transcript, results = box.pam("alice", Script({OFFER: "yes", CODE: codes[0]}))
    assert results["authenticate"] == PAM_AUTH_ERR
    assert prompts(transcript) == [OFFER, CODE]
    told = said_before_new_password(transcript)
    for expected in words:
        assert expected in told, told
    assert box.shadow.read_bytes() == before
    assert codes_left(box) == 10
    last = audit(box)[-1]
    assert (last["event"], last["result"]) == ("reset_failed", "fail")
    assert detail in last["detail"]


@pytest.fixture
def keyring_home(sandbox):
    home = make_home(sandbox)
    assert keyring_locked(sandbox, home, OLD) is False  # made by the real daemon with the old password
    yield home
    end_processes(home)


def test_a_gnome_login_keyring_is_set_aside_and_a_new_one_opens_with_the_new_password(sandbox, keyring_home):
    box, home = sandbox, keyring_home
    keyrings = home / ".local/share/keyrings"
    original = (keyrings / "login.keyring").read_bytes()
    codes = enrol_codes(box)
    transcript, results = reset(box, codes[0])
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert prompts(transcript) == [OFFER, CODE, CONTINUE, NEW, RETYPE]
    told = said_before_new_password(transcript)
    assert "GNOME login keyring (~/.local/share/keyrings/login.keyring)" in told
    assert "set aside as ~/.local/share/keyrings/login.keyring.before-reset-" in told
    assert verify(hash_of(box.shadow.read_bytes(), "alice"), PASSWORD)

    aside = [p for p in keyrings.iterdir() if ASIDE.match(p.name)]
    assert len(aside) == 1 and not (keyrings / "login.keyring").exists()
    assert aside[0].read_bytes() == original
    st = aside[0].stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (UID["alice"], UID["alice"], 0o600)
    assert any(f"Your old GNOME login keyring is kept as ~/.local/share/keyrings/{aside[0].name}." == t for _, t in transcript)

    # The real daemon makes a new login keyring with the new password, and it opens with it again.
    assert keyring_locked(box, home, PASSWORD) is False
    assert (keyrings / "login.keyring").read_bytes() != original
    assert keyring_locked(box, home, PASSWORD) is False
    assert keyring_locked(box, home, OLD) is True

    # The old keyring, put back in a home of its own, opens with the old password and only with it.
    other = make_home(box, "bob")
    (other / ".local/share/keyrings").mkdir(parents=True)
    shutil.copy(aside[0], other / ".local/share/keyrings/login.keyring")
    subprocess.run(["chown", "-R", "1002:1002", str(other)], check=True)
    assert keyring_locked(box, other, PASSWORD, user="bob") is True
    assert keyring_locked(box, other, OLD, user="bob") is False
    end_processes(other)


def test_declining_at_the_warning_changes_and_spends_nothing(sandbox, keyring_home):
    box, home = sandbox, keyring_home
    keyring = home / ".local/share/keyrings/login.keyring"
    original = keyring.read_bytes()
    codes = enrol_codes(box)
    before = box.shadow.read_bytes()
    transcript, results = reset(box, codes[0], cont="no")
    assert results["authenticate"] != PAM_SUCCESS
    assert prompts(transcript) == [OFFER, CODE, CONTINUE]
    assert box.shadow.read_bytes() == before
    assert keyring.read_bytes() == original
    assert codes_left(box) == 10
    last = audit(box)[-1]
    assert last["event"] == "reset_abandoned"
    assert "declined after the warning (GNOME login keyring)" in last["detail"]


def test_keyring_keep_leaves_it_in_place(sandbox, keyring_home):
    box, home = sandbox, keyring_home
    box.policy("keyring = keep\n")
    keyrings = home / ".local/share/keyrings"
    original = (keyrings / "login.keyring").read_bytes()
    codes = enrol_codes(box)
    transcript, results = reset(box, codes[0])
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert "stays locked with the old password" in said_before_new_password(transcript)
    assert (keyrings / "login.keyring").read_bytes() == original
    assert not [p for p in keyrings.iterdir() if ASIDE.match(p.name)]
    assert keyring_locked(box, home, OLD) is False


@pytest.mark.parametrize("where", ["home", "/home/.ecryptfs"])
def test_an_ecryptfs_home_is_refused_and_nothing_is_spent(sandbox, where):
    box = sandbox
    box.policy("helpdesk = Call 555-0100, room 12\n")
    home = make_home(box)
    if where == "home":
        wrapped = wrap_passphrase(home / ".ecryptfs/wrapped-passphrase", "a" * 32, OLD, UID["alice"])
    else:
        wrapped = wrap_passphrase(box.root / "home/.ecryptfs/alice/.ecryptfs/wrapped-passphrase", "a" * 32, OLD,
                                  UID["alice"])
        # As ecryptfs-setup-private leaves it: the home holds only a symlink to it, which is not followed.
        (home / ".ecryptfs").symlink_to(box.root / "home/.ecryptfs/alice/.ecryptfs")
    wrapped_bytes = wrapped.read_bytes()
    assert_refused(box, ["Your home folder is encrypted with your current password (eCryptfs).",
                         "A reset would make your files unreadable, so the password cannot be reset here.",
                         "Call 555-0100, room 12"],
                   "encrypted home (eCryptfs) refused by policy")
    assert wrapped.read_bytes() == wrapped_bytes


def test_encrypted_home_warn_resets_after_a_yes(sandbox):
    box = sandbox
    box.policy("encrypted_home = warn\n")
    home = make_home(box)
    wrapped = wrap_passphrase(home / ".ecryptfs/wrapped-passphrase", "b" * 32, OLD, UID["alice"])
    wrapped_bytes = wrapped.read_bytes()
    codes = enrol_codes(box)
    transcript, results = reset(box, codes[0])
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert prompts(transcript) == [OFFER, CODE, CONTINUE, NEW, RETYPE]
    assert "they stay unreadable unless you" in said_before_new_password(transcript)
    assert wrapped.read_bytes() == wrapped_bytes
    assert verify(hash_of(box.shadow.read_bytes(), "alice"), PASSWORD)


@needs_loop
def test_an_fscrypt_login_protector_is_refused(sandbox):
    box = sandbox
    make_home(box)
    fscrypt_login_protector(box, "alice", OLD, box.root / ".fscrypt")
    assert_refused(box, ["Your home folder is encrypted with your current password (fscrypt)."],
                   "encrypted home (fscrypt) refused by policy")


@needs_loop
def test_another_users_fscrypt_protector_costs_nothing(sandbox):
    box = sandbox
    make_home(box)
    fscrypt_login_protector(box, "bob", OLD, box.root / ".fscrypt")
    codes = enrol_codes(box)
    transcript, results = box.pam("alice", Script({OFFER: "yes", CODE: codes[0], NEW: PASSWORD, RETYPE: PASSWORD}))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert CONTINUE not in prompts(transcript)


@pytest.mark.parametrize("record", ["identity", "userdb"])
def test_a_systemd_homed_account_is_pointed_to_homectl(sandbox, record):
    box = sandbox
    make_home(box)
    if record == "identity":
        (box.root / "var/lib/systemd/home").mkdir(parents=True)
        (box.root / "var/lib/systemd/home/alice.home").write_text('{"userName":"alice"}\n')
    else:
        (box.root / "run/userdb").mkdir(parents=True)
        (box.root / "run/userdb/alice.user").write_text(
            '{"userName":"alice","uid":1001,"service":"io.systemd.Home","storage":"directory"}\n')
    assert_refused(box, ["managed by systemd-homed", "homectl passwd alice"], "systemd-homed account")


def test_symlinks_in_the_home_are_not_followed(sandbox, tmp_path):
    """A keyring that is a symlink to /etc/shadow, a keyrings directory that loops, a .local that points out of
    the home at a real keyring, a hard link to a file outside: none is reported, none renamed, nothing outside
    the home changes."""
    box = sandbox
    home = make_home(box)
    outside = box.root / "outside"
    outside.mkdir()
    os.chown(outside, UID["alice"], UID["alice"])
    assert keyring_locked(box, outside, OLD) is False  # a real keyring, outside the home
    real_shadow = Path("/etc/shadow").read_bytes()
    outside_keyring = (outside / ".local/share/keyrings/login.keyring").read_bytes()

    cases = []
    # 1. login.keyring -> /etc/shadow
    (home / ".local/share/keyrings").mkdir(parents=True)
    (home / ".local/share/keyrings/login.keyring").symlink_to("/etc/shadow")
    # 2. kwalletd -> itself (a loop)
    (home / ".local/share/kwalletd").symlink_to(home / ".local/share/kwalletd")
    # 3. ~/.kde -> the outside directory's .local (a symlinked tree leading to a real keyring file)
    (home / ".kde").symlink_to(outside / ".local")
    # 4. ~/.ecryptfs -> a loop
    (home / ".ecryptfs").symlink_to(".ecryptfs")
    subprocess.run(["chown", "-h", "-R", "1001:1001", str(home)], check=True)

    codes = enrol_codes(box)
    transcript, results = box.pam("alice", Script({OFFER: "yes", CODE: codes[0], NEW: PASSWORD, RETYPE: PASSWORD}))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert CONTINUE not in prompts(transcript)
    assert Path("/etc/shadow").read_bytes() == real_shadow
    assert (home / ".local/share/keyrings/login.keyring").is_symlink()
    assert sorted(p.name for p in (home / ".local/share/keyrings").iterdir()) == ["login.keyring"]
    assert (outside / ".local/share/keyrings/login.keyring").read_bytes() == outside_keyring
    assert not [p for p in (outside / ".local/share/keyrings").iterdir() if ASIDE.match(p.name)]


def test_a_symlinked_local_is_not_followed(sandbox):
    box = sandbox
    home = make_home(box)
    outside = box.root / "outside"
    outside.mkdir()
    os.chown(outside, UID["alice"], UID["alice"])
    assert keyring_locked(box, outside, OLD) is False
    (home / ".local").symlink_to(outside / ".local")
    os.lchown(home / ".local", UID["alice"], UID["alice"])
    codes = enrol_codes(box)
    transcript, results = box.pam("alice", Script({OFFER: "yes", CODE: codes[0], NEW: PASSWORD, RETYPE: PASSWORD}))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert CONTINUE not in prompts(transcript)
    assert sorted(p.name for p in (outside / ".local/share/keyrings").iterdir()) == ["login.keyring", "user.keystore"]


def test_a_hard_linked_keyring_is_not_renamed(sandbox, keyring_home):
    box, home = sandbox, keyring_home
    keyring = home / ".local/share/keyrings/login.keyring"
    elsewhere = box.root / "elsewhere"
    os.link(keyring, elsewhere)  # two names: not the user's keyring alone, so not ours to rename
    codes = enrol_codes(box)
    transcript, results = box.pam("alice", Script({OFFER: "yes", CODE: codes[0], NEW: PASSWORD, RETYPE: PASSWORD}))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert CONTINUE not in prompts(transcript)
    assert keyring.exists() and os.path.samefile(keyring, elsewhere)


def test_pam_gnome_keyring_after_pam_sspr_opens_a_new_keyring_with_the_new_password(sandbox, keyring_home):
    """Debian's stack: `auth optional pam_gnome_keyring.so` after pam_sspr keeps the new password (PAM_AUTHTOK,
    on_success = login), `session optional pam_gnome_keyring.so auto_start` starts the daemon with it. The
    moved-aside old keyring leaves the daemon to create a login keyring with the new password.

    The daemon needs the user's session bus, which pam_systemd and systemd --user provide on a desktop: here a
    dbus-daemon run as the user at $XDG_RUNTIME_DIR/bus, and pam_env puts XDG_RUNTIME_DIR into the PAM
    environment as pam_systemd would."""
    box, home = sandbox, keyring_home
    keyrings = home / ".local/share/keyrings"
    codes = enrol_codes(box)
    runtime = box.root / "run-pam"
    runtime.mkdir()
    os.chown(runtime, UID["alice"], UID["alice"])
    os.chmod(runtime, 0o700)
    env_conf = box.root / "pam_env.conf"
    env_conf.write_text(f"XDG_RUNTIME_DIR DEFAULT={runtime}\n"
                        f"DBUS_SESSION_BUS_ADDRESS DEFAULT=unix:path={runtime}/bus\n")
    module = f"{MODULE_FILE} helper={HELPER} root={box.root}"
    (box.confdir / "login").write_text("\n".join([
        f"auth [success=ok default=die] {module}",
        "auth optional pam_gnome_keyring.so",
        f"session required pam_env.so readenv=0 user_readenv=0 conffile={env_conf}",
        "session optional pam_gnome_keyring.so auto_start",
    ]) + "\n")
    bus = subprocess.run(["setpriv", "--reuid=1001", "--regid=1001", "--clear-groups", "dbus-daemon", "--session",
                          f"--address=unix:path={runtime}/bus", "--fork", "--print-pid"],
                         capture_output=True, env={"PATH": "/usr/bin:/bin", "HOME": str(home), **nss_env(box)},
                         timeout=30)
    assert bus.returncode == 0, bus.stderr.decode()
    bus_pid = int(bus.stdout.split()[0])
    try:
        r = PamRun(box.driver, box.confdir, "login", "alice", extra=("--session",), env={**os.environ, **nss_env(box)})
        r.answer({OFFER: "yes", CODE: codes[0], CONTINUE: "yes", NEW: PASSWORD, RETYPE: PASSWORD})
        res = r.finish()
        assert res["authenticate"] == PAM_SUCCESS, r.transcript
        assert res["open_session"] == PAM_SUCCESS, r.transcript
        # As the desktop session does next, ask the daemon pam_gnome_keyring started (found through its control
        # socket in XDG_RUNTIME_DIR) to start its secrets component, then ask it over the user's bus whether the
        # login keyring is locked: it was made and unlocked with the password pam_sspr handed on.
        ask = subprocess.run(["setpriv", "--reuid=1001", "--regid=1001", "--clear-groups", "sh", "-c",
                              "gnome-keyring-daemon --start --components=secrets >/dev/null && " + ASK_LOCKED],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30,
                             env={"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
                                  "DBUS_SESSION_BUS_ADDRESS": f"unix:path={runtime}/bus", **nss_env(box)})
        assert "boolean false" in ask.stdout.decode(), ask.stdout
    finally:
        end_processes(home)
        os.kill(bus_pid, 9)
    assert [p for p in keyrings.iterdir() if ASIDE.match(p.name)]
    assert (keyrings / "login.keyring").exists()
    assert keyring_locked(box, home, PASSWORD) is False
    assert keyring_locked(box, home, OLD) is True
