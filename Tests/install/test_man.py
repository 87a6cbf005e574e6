# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Every man page builds from scdoc and renders with man --warnings without a word on stderr."""
import os
import re
import subprocess

import pytest

from conftest import REPO, make

PAGES = ["sspr.1", "ssprd.8", "pam_sspr.8", "sspr.conf.5"]


@pytest.mark.parametrize("page", PAGES)
def test_man_page_renders_without_warnings(page):
    make("man")
    path = REPO / ".build/man" / page
    r = subprocess.run(["man", "--warnings", "-l", str(path)], capture_output=True, text=True,
                       env={**os.environ, "MANWIDTH": "80"})
    assert r.returncode == 0 and r.stderr == "", r.stderr
    text = re.sub(".\x08", "", r.stdout)  # man's overstrike bold and underline
    name = page.rsplit(".", 1)[0]
    assert "NAME" in text and name in text and "SEE ALSO" in text


def test_sspr_page_lists_every_subcommand_and_exit_code():
    text = (REPO / "man/sspr.1.scd").read_text()
    for command in ("status", "register", "add", "remove", "confirm", "admin enroll", "admin pass", "admin verify",
                    "admin report", "admin audit", "admin unlock", "admin remove", "admin check"):
        assert f"*{command}" in text or f"*sspr {command}*" in text, command
    for code in "01234":
        assert f"*{code}*" in text


def test_policy_page_documents_every_key():
    tables = sorted(str(p) for p in (REPO / "Sources/SSPRCore/Policy").glob("PolicyKeys*.swift"))
    keys = subprocess.run(["grep", "-ho", '^        "[a-z_]*": {', *tables], capture_output=True, text=True).stdout.split("\n")
    keys = [k.strip().split('"')[1] for k in keys if k.strip()]
    assert len(keys) >= 27  # every key the parser knows (the table grows; each must be documented below)
    conf = (REPO / "man/sspr.conf.5.scd").read_text()
    module = (REPO / "man/pam_sspr.8.scd").read_text()
    for key in keys:
        assert f"*{key}* =" in conf, key
        assert f"*{key}*" in module, key
