# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""make deb: the package's metadata, then dpkg -i / -r / -P for real inside a private mount namespace (overlays over
/etc, /usr and /var): the profile is enabled by postinst and removed by prerm before the module goes, login keeps
working throughout, the edited conffile survives a reinstall, and only purge deletes the store."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import NS_ENV, OFFER, REPO, make

SPEC_AUTH = [
    ["auth", "[success=2", "default=ignore]", "pam_unix.so", "nullok"],
    ["auth", "[success=1", "default=ignore]", "pam_sspr.so"],
    ["auth", "requisite", "pam_deny.so"],
    ["auth", "required", "pam_permit.so"],
]


@pytest.fixture(scope="module")
def deb():
    make("deb", "NO_BUILD=1", "DEB_COMPRESS=gzip")
    version = (REPO / "VERSION").read_text().strip()
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    path = REPO / f"sspr_{version}_{arch}.deb"
    assert path.exists()
    return path


@pytest.fixture(scope="module")
def ns(deb, driver):
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "python3", str(Path(__file__).with_name("ns_deb.py")),
                        str(deb), str(driver), OFFER], capture_output=True, text=True, timeout=300, env=NS_ENV)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().split("\n")[-1])


def field(deb, name):
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True).stdout.strip()


def test_metadata(deb):
    assert field(deb, "Package") == "sspr"
    assert field(deb, "Version") == (REPO / "VERSION").read_text().strip()
    depends = field(deb, "Depends")
    for lib in ("libpam0g", "libcrypt1", "libsqlite3-0", "libpq5", "libldap-2.5-0", "liboath0", "libpwquality1",
                "libqrencode4", "libunistring2",
                "libpam-runtime", "cracklib-runtime"):  # the dictionary behind pwquality.conf's dictcheck
        assert lib in depends, (lib, depends)
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    assert "root/root" in listing and "/opt/" not in listing
    assert "./var/lib/sspr" not in listing, "postinst makes the store directory (0700)"
    control = subprocess.run(["dpkg-deb", "-I", str(deb), "conffiles"], capture_output=True, text=True).stdout.split()
    assert control == ["/etc/security/sspr-questions.conf", "/etc/security/sspr.conf"]


@pytest.mark.skipif(shutil.which("lintian") is None, reason="lintian is not installed (make deb-check installs nothing)")
def test_lintian_reports_no_errors(deb):
    r = subprocess.run(["lintian", str(deb)], capture_output=True, text=True)
    assert not [l for l in r.stdout.split("\n") if l.startswith("E:")], r.stdout


def test_dpkg_install_enables_profile_group_store_socket(ns):
    assert ns["overlaid"] and ns["install"]["rc"] == 0, ns["install"]
    assert ns["auth_after_install"][:4] == SPEC_AUTH
    assert ["session", "optional", "pam_sspr.so"] in ns["session_after_install"]
    assert ns["group"].startswith("sspr-admin:")
    assert ns["store_mode"] == ["0o700", 0, 0]
    assert ns["socket_enabled"]
    assert "/etc/security/sspr.conf" in ns["conffiles"]


def test_login_and_reset_with_the_package(ns):
    assert ns["login_old"] == {"code": 0, "transcript": [["PROMPT_OFF", "Password: "]]}
    assert ns["reset"]["code"] == 0, ns["reset"]
    assert ["INFO", "Your password has been reset."] in ns["reset"]["transcript"]
    assert ns["changed"] == ["sspr-deb-user"]


def test_reinstall_keeps_the_edited_conffile(ns):
    assert ns["reinstall"]["rc"] == 0, ns["reinstall"]
    assert ns["conf_kept"]


def test_remove_takes_the_profile_out_and_login_still_works(ns):
    assert ns["remove"]["rc"] == 0, ns["remove"]
    assert not any("pam_sspr.so" in l for l in ns["auth_after_remove"])
    assert not ns["module_after_remove"]
    assert ns["store_after_remove"], "remove keeps the store"
    assert ns["login_after_remove"] == {"code": 0, "transcript": [["PROMPT_OFF", "Password: "]]}
    assert ns["wrong_after_remove"]["code"] == 7
    assert [t for s, t in ns["wrong_after_remove"]["transcript"] if s.startswith("PROMPT")] == ["Password: "]


def test_purge_deletes_store_and_conffiles(ns):
    assert ns["purge"]["rc"] == 0, ns["purge"]
    assert not ns["store_after_purge"] and not ns["conf_after_purge"]
    assert not any("pam_sspr.so" in l for l in ns["auth_after_purge"])
    assert ns["login_after_purge"]["code"] == 0
