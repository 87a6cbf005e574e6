# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""pam_start / pam_authenticate / pam_end cycles in one process under valgrind (memcheck): no memory errors, and
nothing grows with the number of cycles (leak summary and heap in use at exit identical for 100 and 1,000
cycles).

Every cycle that reaches the module starts the reset helper (a separate process valgrind does not follow):
what is checked is the host side, the C module, its relay and its wait for the child.

One thing is adjusted outside the module's own code: a suppression, explained in SUPPRESSIONS below, for
glibc's ld.so strncmp over-read at dlopen. It does not depend on the number of cycles. The module under test is
a copy with `objcopy --strip-debug` (valgrind 3.19 reads gcc 12's DWARF 5 poorly; the code is the same)."""
import re
import subprocess
import time

import pytest

from conftest import HELPER, MODULE_FILE
from stress_support import NOT_AVAILABLE, OFFER, PAM_AUTH_ERR, PAM_PERM_DENIED, enrol_codes

SUPPRESSIONS = """
# glibc ld.so: SSE2 strncmp reads whole words past the end of the RPATH string while looking for $ORIGIN
# (is_dst); a valgrind false positive inside the dynamic loader, at dlopen of the module by libpam.
{
   ld.so-strncmp-rpath-is_dst
   Memcheck:Addr8
   fun:strncmp
   fun:is_dst
   ...
   fun:_dl_map_object
}
"""

SUMMARY_KEYS = ["definitely lost", "indirectly lost", "possibly lost", "still reachable", "suppressed"]
FULL = 1000


@pytest.fixture(scope="module")
def stripped_module(tmp_path_factory):
    d = tmp_path_factory.mktemp("vg")
    out = d / "pam_sspr_nodwarf.so"
    subprocess.run(["objcopy", "--strip-debug", str(MODULE_FILE), str(out)], check=True)
    (d / "sspr.supp").write_text(SUPPRESSIONS)
    return out, d / "sspr.supp"


def valgrind(box, supp, service, user, cycles, reply):
    stdin = ("" if reply is None else f"R {reply.encode().hex()}\n") * cycles
    t0 = time.monotonic()
    r = subprocess.run(["valgrind", "--error-exitcode=99", "--child-silent-after-fork=yes", "--leak-check=full", "--show-leak-kinds=all",
                        "--errors-for-leak-kinds=definite,indirect,possible", f"--suppressions={supp}",
                        str(box.driver), str(box.confdir), service, user, "--cycles", str(cycles)],
                       input=stdin.encode(), capture_output=True, timeout=600)
    elapsed = time.monotonic() - t0
    err = r.stderr.decode(errors="replace")
    summary = {}
    for key in SUMMARY_KEYS:
        m = re.search(rf"{key}: ([\d,]+) bytes in ([\d,]+) blocks", err)
        summary[key] = tuple(int(x.replace(",", "")) for x in m.groups()) if m else (0, 0)
    m = re.search(r"in use at exit: ([\d,]+) bytes in ([\d,]+) blocks", err)
    summary["in use at exit"] = tuple(int(x.replace(",", "")) for x in m.groups())
    errors = int(re.search(r"ERROR SUMMARY: (\d+) errors", err).group(1))
    return r, errors, summary, elapsed, err


CASES = {
    # The user declines at the offer: one prompt, PAM_IGNORE (shown as PAM_PERM_DENIED with `required`).
    "declined": ("login", "alice", "", [("PROMPT_ON", OFFER)], PAM_PERM_DENIED),
    # The service is not in the policy: not a word, PAM_IGNORE.
    "not_in_policy": ("sudo", "alice", None, [], PAM_PERM_DENIED),
    # alice has no methods registered (the store exists: judy is enrolled): "not available".
    "not_available": ("login", "alice", "yes", [("PROMPT_ON", OFFER), ("ERROR", NOT_AVAILABLE)], PAM_AUTH_ERR),
}


@pytest.mark.parametrize("case", list(CASES))
def test_cycles_under_valgrind_no_errors_no_growth(sandbox, stripped_module, case):
    module, supp = stripped_module
    service, user, reply, per_cycle, code = CASES[case]
    enrol_codes(sandbox, "judy")
    before = sandbox.shadow.read_bytes()
    sandbox.stack(service=service, auth=[f"auth required {module} helper={HELPER} root={sandbox.root}"], session=False)
    runs = {}
    for cycles in (100, FULL):
        r, errors, summary, elapsed, err = valgrind(sandbox, supp, service, user, cycles, reply)
        assert r.returncode == 0 and errors == 0, err[-4000:]
        # Every cycle had exactly the expected conversation and result.
        out = r.stdout.decode().split("\n")[:-1]
        expected = []
        for _ in range(cycles):
            expected += [f"{s}\t{t}" for s, t in per_cycle] + [f"RESULT authenticate={code}"]
        assert out == expected
        runs[cycles] = (summary, elapsed)
    print(f"\n{case}: 100 cycles {runs[100][1]:.1f}s, {FULL} cycles {runs[FULL][1]:.1f}s; at exit {runs[FULL][0]}")
    s100, s1000 = runs[100][0], runs[FULL][0]
    assert s1000["definitely lost"] == s1000["indirectly lost"] == s1000["possibly lost"] == (0, 0)
    # Nothing grows with the number of cycles: the same blocks are left at exit after 100 and after 1,000.
    assert s1000 == s100
    assert sandbox.shadow.read_bytes() == before
