# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""make install / make uninstall into a DESTDIR: the file set, modes and owners, the static Swift runtime,
PREFIX, config files an admin edited, and the profile."""
import os
import re
import stat
import subprocess
from pathlib import Path

from conftest import MULTIARCH, REPO, make

EXPECTED = {
    f"usr/lib/{MULTIARCH}/security/pam_sspr.so": 0o644,
    "usr/bin/sspr": 0o755,
    "usr/sbin/ssprd": 0o755,
    "usr/libexec/sspr/sspr-reset": 0o755,
    "lib/systemd/system/sspr-reset.socket": 0o644,
    "lib/systemd/system/sspr-reset@.service": 0o644,
    "usr/lib/systemd/catalog/sspr.catalog": 0o644,
    "lib/systemd/system/sspr-outbox.service": 0o644,
    "lib/systemd/system/sspr-outbox.path": 0o644,
    "lib/systemd/system/sspr-outbox.timer": 0o644,
    "usr/share/locale/de/LC_MESSAGES/sspr.mo": 0o644,
    "usr/share/locale/es/LC_MESSAGES/sspr.mo": 0o644,
    "usr/share/locale/fr/LC_MESSAGES/sspr.mo": 0o644,
    "lib/systemd/system/ssprd.service": 0o644,
    "lib/systemd/system/ssprd.socket": 0o644,
    "usr/share/sspr/ssprd-fleet-network.conf": 0o644,
    "usr/share/pam-configs/sspr": 0o644,
    "etc/security/sspr.conf": 0o644,
    "etc/security/sspr-questions.conf": 0o644,
    "usr/share/man/man1/sspr.1.gz": 0o644,
    "usr/share/man/man5/sspr.conf.5.gz": 0o644,
    "usr/share/man/man8/ssprd.8.gz": 0o644,
    "usr/share/man/man8/pam_sspr.8.gz": 0o644,
    "usr/share/bash-completion/completions/sspr": 0o644,
    "usr/share/zsh/vendor-completions/_sspr": 0o644,
    "usr/share/fish/vendor_completions.d/sspr.fish": 0o644,
}


def files(root):
    return {str(p.relative_to(root)): stat.S_IMODE(p.lstat().st_mode) for p in Path(root).rglob("*") if not p.is_dir()}


def test_install_into_destdir_file_set_modes_owners(tmp_path):
    dest = tmp_path / "dest"
    r = make("install", f"DESTDIR={dest}", "NO_BUILD=1")
    assert "DESTDIR is set" in r.stdout
    assert files(dest) == EXPECTED
    for p in dest.rglob("*"):
        assert p.lstat().st_uid == 0 and p.lstat().st_gid == 0, p
    store = dest / "var/lib/sspr"
    assert store.is_dir() and stat.S_IMODE(store.stat().st_mode) == 0o700
    # Config as shipped; the profile names the module bare (it is in libpam's directory).
    assert (dest / "etc/security/sspr.conf").read_bytes() == (REPO / "config/sspr.conf").read_bytes()
    assert (dest / "usr/share/pam-configs/sspr").read_bytes() == (REPO / "pam/pam-configs/sspr").read_bytes()
    assert "ExecStart=/usr/sbin/ssprd" in (dest / "lib/systemd/system/ssprd.service").read_text()
    assert "ExecStart=/usr/libexec/sspr/sspr-reset --peer" in (dest / "lib/systemd/system/sspr-reset@.service").read_text()
    # Installed binaries carry the Swift runtime: nothing from the toolchain in /opt, nothing missing; stripped.
    for binary in ("usr/bin/sspr", "usr/sbin/ssprd", "usr/libexec/sspr/sspr-reset", f"usr/lib/{MULTIARCH}/security/pam_sspr.so"):
        ldd = subprocess.run(["ldd", str(dest / binary)], capture_output=True, text=True).stdout
        assert "not found" not in ldd and "/opt/" not in ldd and "libswift" not in ldd, ldd
        sections = subprocess.run(["readelf", "-S", str(dest / binary)], capture_output=True, text=True).stdout
        assert ".symtab" not in sections and ".debug_info" not in sections, f"{binary} is not stripped"
    # The shipped module is C: libpam and libc only, pam_sm_* only, BIND_NOW, no NODELETE.
    module = dest / f"usr/lib/{MULTIARCH}/security/pam_sspr.so"
    out = subprocess.run(["nm", "-D", "--defined-only", "--extern-only", str(module)], capture_output=True, text=True).stdout
    assert {l.split()[-1] for l in out.splitlines() if l.strip()} == {
        "pam_sm_authenticate", "pam_sm_setcred", "pam_sm_acct_mgmt", "pam_sm_open_session", "pam_sm_close_session",
        "pam_sm_chauthtok"}
    dyn = subprocess.run(["readelf", "-d", str(module)], capture_output=True, text=True).stdout
    assert "NODELETE" not in dyn and "BIND_NOW" in dyn
    assert sorted(re.findall(r"Shared library: \[([^\]]+)\]", dyn)) == ["libc.so.6", "libpam.so.0"]
    for shell in ("bash", "zsh", "fish"):
        assert "admin" in (dest / {"bash": "usr/share/bash-completion/completions/sspr", "zsh": "usr/share/zsh/vendor-completions/_sspr",
                                   "fish": "usr/share/fish/vendor_completions.d/sspr.fish"}[shell]).read_text()


def test_edited_config_is_kept_and_uninstall_removes_the_rest(tmp_path):
    dest = tmp_path / "dest"
    make("install", f"DESTDIR={dest}", "NO_BUILD=1")
    conf = dest / "etc/security/sspr.conf"
    conf.write_text("enabled = none\n")
    r = make("install", f"DESTDIR={dest}", "NO_BUILD=1")
    assert conf.read_text() == "enabled = none\n" and "kept your edited" in r.stdout
    r = make("uninstall", f"DESTDIR={dest}")
    left = files(dest)
    assert left == {"etc/security/sspr.conf": 0o644}, left
    assert "kept your edited" in r.stdout
    assert not (dest / "var/lib/sspr").exists(), "an empty store directory goes"


def test_uninstall_keeps_a_store_with_data(tmp_path):
    dest = tmp_path / "dest"
    make("install", f"DESTDIR={dest}", "NO_BUILD=1")
    (dest / "var/lib/sspr/sspr.db").write_bytes(b"data")
    r = make("uninstall", f"DESTDIR={dest}")
    assert (dest / "var/lib/sspr/sspr.db").exists() and "kept the store" in r.stdout


def test_prefix_moves_binaries_module_and_units_and_the_profile_names_the_path(tmp_path):
    dest = tmp_path / "dest"
    make("install", f"DESTDIR={dest}", "PREFIX=/usr/local", "NO_BUILD=1")
    got = files(dest)
    for path in ("usr/local/bin/sspr", "usr/local/sbin/ssprd", f"usr/local/lib/{MULTIARCH}/security/pam_sspr.so",
                 "usr/local/lib/systemd/system/ssprd.service", "usr/local/share/man/man8/pam_sspr.8.gz",
                 "usr/share/pam-configs/sspr", "etc/security/sspr.conf"):
        assert path in got, (path, sorted(got))
    assert f"/usr/local/lib/{MULTIARCH}/security/pam_sspr.so" in (dest / "usr/share/pam-configs/sspr").read_text()
    assert "ExecStart=/usr/local/sbin/ssprd" in (dest / "usr/local/lib/systemd/system/ssprd.service").read_text()
    make("uninstall", f"DESTDIR={dest}", "PREFIX=/usr/local")
    assert files(dest) == {}
