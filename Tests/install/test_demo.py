"""make demo on a pseudo-terminal, answered as a newcomer would: a wrong password, yes, a recovery code printed
on screen, a new password; the sandbox's shadow line changes and the host's does not (conftest)."""
import re
import shutil
from pathlib import Path

from conftest import OFFER, REPO
from ptyexpect import PtySession


def test_demo_resets_the_sandbox_account_through_the_real_libpam():
    s = PtySession(["make", "--no-print-directory", "-C", str(REPO), "demo", "NO_BUILD=1"])
    try:
        code = s.expect(r"recovery codes \(each works once\):\n\s+(\S+)").group(1)
        before = s.expect(r"Shadow line before: (\S+)").group(1)
        s.expect(r"Password: ")
        s.send("surely-not-the-password")
        s.expect(re.escape(OFFER))
        s.send("yes")
        s.expect(r"Choose a method \[1-3\]: ")
        choice = re.search(r"(\d)\. Recovery code", s.output).group(1)
        s.send(choice)
        s.expect(r"Recovery code: ")
        s.send(code)
        s.expect(r"New password: ")
        s.send("Quiet-river-83")
        s.expect(r"Retype new password: ")
        s.send("Quiet-river-83")
        s.expect(r"Your password has been reset\.")
        s.expect(r"Login succeeded")
        after = s.expect(r"Shadow line after:\s+(\S+)").group(1)
        s.expect(r"result=pass service=login")
        assert s.wait() == 0, s.output
    finally:
        m = re.search(r"sandbox (/tmp/sspr-demo\.\w+)", s.output)
        if m:
            shutil.rmtree(m.group(1), ignore_errors=True)
    assert before.split(":")[0] == after.split(":")[0]
    assert before != after and after.split(":")[1].startswith("$")
    assert m and not Path(m.group(1)).exists()
