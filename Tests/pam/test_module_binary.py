# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""The built module is shaped like a PAM module must be inside login, gdm, sshd and screen lockers: small C,
libpam and libc only, the six entry points and nothing else, full RELRO and immediate binding, no threads."""
import ctypes
import re
import subprocess

from conftest import HELPER, MODULE_FILE

ENTRY_POINTS = {"pam_sm_authenticate", "pam_sm_setcred", "pam_sm_acct_mgmt", "pam_sm_open_session",
                "pam_sm_close_session", "pam_sm_chauthtok"}


def run(*cmd):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=True).stdout


def test_exports_only_the_pam_entry_points():
    out = run("nm", "-D", "--defined-only", "--extern-only", MODULE_FILE)
    exported = {line.split()[-1] for line in out.splitlines() if line.strip()}
    assert exported == ENTRY_POINTS


def test_dlopen_finds_each_entry_point_and_no_internal_symbol():
    lib = ctypes.CDLL(str(MODULE_FILE))
    for name in ENTRY_POINTS:
        assert getattr(lib, name) is not None
    for hidden in ("sspr_relay", "sspr_frame_receive", "sspr_helper_start", "sspr_session_due", "sspr_options_parse"):
        try:
            getattr(lib, hidden)
        except AttributeError:
            continue
        raise AssertionError(f"{hidden} is visible")


def test_needs_libpam_and_libc_only():
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", run("readelf", "-d", MODULE_FILE))
    assert sorted(needed) == ["libc.so.6", "libpam.so.0"]
    assert "libswift" not in run("ldd", MODULE_FILE)


def test_small():
    # Target: under 100 KB (with debug info stripped, as installed).
    stripped = MODULE_FILE.parent / "pam_sspr.stripped.so"
    subprocess.run(["strip", "--strip-unneeded", "-o", str(stripped), str(MODULE_FILE)], check=True)
    try:
        assert stripped.stat().st_size < 100_000, stripped.stat().st_size
    finally:
        stripped.unlink()


def test_linked_now_and_relro_without_nodelete():
    dyn = run("readelf", "-d", MODULE_FILE)
    assert "NOW" in dyn and "NODELETE" not in dyn
    segments = run("readelf", "-lW", MODULE_FILE)
    assert "GNU_RELRO" in segments
    # No executable stack.
    stack = [l for l in segments.splitlines() if "GNU_STACK" in l]
    assert stack and "RWE" not in stack[0]


def test_starts_no_threads_and_installs_no_signal_handler():
    # Neither pthread_create nor signal() appear among the module's imports: sigaction is called only in the
    # module's own child processes, never on the host's dispositions (docs/reset-protocol.md, "Transport").
    imports = run("nm", "-D", "--undefined-only", MODULE_FILE)
    assert "pthread_create" not in imports and " signal" not in imports


def test_helper_is_a_static_swift_program():
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", run("readelf", "-d", HELPER))
    assert not any("swift" in n or "Foundation" in n or "dispatch" in n for n in needed), needed
