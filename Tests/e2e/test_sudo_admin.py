# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""A sudoers rule makes an administrator as surely as the sudo group does (docs/security.md): on the real /etc of a
private namespace, an account named by a rule of its own needs the administrators' two methods."""
from e2e_support import driver  # noqa: F401 (fixture)
from e2e_support import MODULE, NOT_AVAILABLE, SSPR, host_state, run_ns


def test_a_sudoers_rule_makes_an_administrator(driver):
    before = host_state()
    res = run_ns("ns_sudo_admin.py", MODULE, SSPR, driver)
    assert host_state() == before
    assert res["before"]["code"] == 0, res["before"]
    after = res["after"]
    assert after["code"] != 0 and ["ERROR", NOT_AVAILABLE] in after["transcript"], after
    assert not any(t == "Recovery code: " for _, t in after["transcript"])
