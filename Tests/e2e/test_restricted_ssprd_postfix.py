# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""ssprd as its unit runs it sends mail through Debian's postfix (issue 11, item 3). See
ns_restricted_ssprd_postfix.py for the scenario."""
import shutil

import pytest

from e2e_support import MODULE, SSPR, SSPRD, host_state, run_ns

pytestmark = pytest.mark.skipif(shutil.which("postfix") is None, reason="postfix is not installed (make deps)")


def test_restricted_ssprd_registers_an_address_through_postfix():
    before = host_state()
    res = run_ns("ns_restricted_ssprd_postfix.py", MODULE, SSPR, SSPRD)
    assert host_state() == before
    assert res["etc_is_copy"]
    # The emulation is real: sendmail cannot work where ssprd runs, and works where the deliverer runs.
    assert res["restricted_sendmail_rc"] != 0 and res["open_sendmail_delivered"], res
    assert res["begin"] == {"parameters": {"sent_to": "m***@example.com"}}, res
    assert res["begin_seconds"] < 10, res
    assert res["code_arrived"] and res["confirm"] == {"parameters": {}}, res
    assert res["notice_arrived"], res
    assert "email" in str(res["status"]), res
    assert res["ssprd_rc"] == 0 and res["deliverer_runs"] and all(rc == 0 for rc in res["deliverer_runs"]), res
