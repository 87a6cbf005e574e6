"""make install and make uninstall for real, inside a private mount namespace (overlays over /etc, /usr and /var):
the profile lands where SPEC section 5 says, a password login works, a reset works with the installed module and
store, and after uninstall a password login still works. The host is checked byte for byte (conftest)."""
import json
import subprocess
from pathlib import Path

import pytest

from conftest import NS_ENV, OFFER, REPO


@pytest.fixture(scope="module")
def ns(driver):
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "python3", str(Path(__file__).with_name("ns_install.py")),
                        str(REPO), str(driver), OFFER], capture_output=True, text=True, timeout=300, env=NS_ENV)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().split("\n")[-1])


SPEC_AUTH = [
    ["auth", "[success=2", "default=ignore]", "pam_unix.so", "nullok"],
    ["auth", "[success=1", "default=ignore]", "pam_sspr.so"],
    ["auth", "requisite", "pam_deny.so"],
    ["auth", "required", "pam_permit.so"],
]


def test_install_enables_the_profile_as_spec_section_5_says(ns):
    assert ns["overlaid"]
    assert ns["install"]["rc"] == 0, ns["install"]
    assert ns["auth_after_install"][:4] == SPEC_AUTH
    assert ["session", "optional", "pam_sspr.so"] in ns["session_after_install"]
    # The reminder is for interactive sessions only.
    assert not any("pam_sspr.so" in l for l in ns["noninteractive_after_install"])
    assert "systemd is not running" in ns["install"]["out"]


def test_install_creates_group_store_and_files(ns):
    assert ns["group"].startswith("sspr-admin:") and ns["group_system"]
    assert ns["store_mode"] == ["0o700", 0, 0]
    modes = ns["modes"]
    assert all(v is not None for v in modes.values()), modes
    assert {k: v[0] for k, v in modes.items()} == {
        k: ("0o755" if k in ("/usr/bin/sspr", "/usr/sbin/ssprd", "/usr/libexec/sspr/sspr-reset") else "0o644") for k in modes}
    assert all(v[1:] == [0, 0] for v in modes.values()), modes
    assert ns["man_installed"]["rc"] == 0 and ns["man_installed"]["out"] == ""
    assert ns["check"]["rc"] == 0 and "ok: PAM stack: pam_sspr.so in /etc/pam.d/common-auth" in ns["check"]["out"], ns["check"]


def test_sudo_make_install_finds_the_toolchain_and_check_is_green_at_once(ns):
    assert "/opt/swift" not in ns["sudo_path"], "sudo's secure_path is in force"
    assert ns["install"]["rc"] == 0, ns["install"]
    # Right after install, with the shipped defaults and nobody enrolled: the store exists and check passes.
    assert ns["check_fresh"]["rc"] == 0, ns["check_fresh"]
    assert "problem:" not in ns["check_fresh"]["out"], ns["check_fresh"]


def test_password_login_works_with_the_installed_stack(ns):
    assert ns["login_old"] == {"code": 0, "transcript": [["PROMPT_OFF", "Password: "]]}


def test_reset_with_the_installed_module_and_store(ns):
    assert ns["enrolled"] == 10
    reset = ns["reset"]
    assert reset["code"] == 0, reset
    assert [t for s, t in reset["transcript"] if s.startswith("PROMPT")] == [
        "Password: ", OFFER, "Recovery code: ", "New password: ", "Retype new password: "]
    assert ["INFO", "Your password has been reset."] in reset["transcript"]
    assert ns["changed"] == ["sspr-inst-user"]
    assert ns["login_new"] == {"code": 0, "transcript": [["PROMPT_OFF", "Password: "]]}
    assert "sspr.db" in ns["store_files"]


def test_uninstall_removes_the_profile_first_and_leaves_pam_unix_login_working(ns):
    assert ns["uninstall"]["rc"] == 0, ns["uninstall"]
    auth = ns["auth_after_uninstall"]
    assert not any("pam_sspr.so" in l for l in auth)
    assert auth[:3] == [["auth", "[success=1", "default=ignore]", "pam_unix.so", "nullok"],
                        ["auth", "requisite", "pam_deny.so"], ["auth", "required", "pam_permit.so"]]
    assert not any("pam_sspr.so" in l for l in ns["session_after_uninstall"])
    assert ns["left"] == [], ns["left"]
    assert "WARNING" not in ns["uninstall"]["out"]
    assert ns["login_after_uninstall"] == {"code": 0, "transcript": [["PROMPT_OFF", "Password: "]]}
    wrong = ns["wrong_after_uninstall"]
    assert wrong["code"] == 7 and [t for s, t in wrong["transcript"] if s.startswith("PROMPT")] == ["Password: "]
