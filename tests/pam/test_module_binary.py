"""The built module is shaped like a PAM module must be inside login, gdm and sshd."""
import ctypes
import subprocess

from conftest import MODULE

ENTRY_POINTS = {"pam_sm_authenticate", "pam_sm_setcred", "pam_sm_acct_mgmt", "pam_sm_open_session",
                "pam_sm_close_session", "pam_sm_chauthtok"}


def test_exports_only_the_pam_entry_points():
    out = subprocess.run(["nm", "-D", "--defined-only", "--extern-only", str(MODULE)], capture_output=True, text=True, check=True).stdout
    exported = {line.split()[-1] for line in out.splitlines() if line.strip()}
    assert exported == ENTRY_POINTS


def test_dlopen_finds_each_entry_point():
    lib = ctypes.CDLL(str(MODULE))
    for name in ENTRY_POINTS:
        assert getattr(lib, name) is not None
    # (dlsym also searches the module's own dependencies, so only symbols of our code and the Swift runtime are checked.)
    for hidden in ("swift_retain", "swift_release", "swift_allocObject", "sspr_module_dispatch", "sspr_secure_zero"):
        try:
            getattr(lib, hidden)
        except AttributeError:
            continue
        raise AssertionError(f"{hidden} is visible")


def test_swift_runtime_is_linked_statically():
    out = subprocess.run(["ldd", str(MODULE)], capture_output=True, text=True, check=True).stdout
    assert "libswift" not in out and "libFoundation" not in out and "libdispatch" not in out


def test_linked_now_nodelete_relro():
    dyn = subprocess.run(["readelf", "-d", str(MODULE)], capture_output=True, text=True, check=True).stdout
    assert "NODELETE" in dyn and "NOW" in dyn
    segments = subprocess.run(["readelf", "-lW", str(MODULE)], capture_output=True, text=True, check=True).stdout
    assert "GNU_RELRO" in segments
