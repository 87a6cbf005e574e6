# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Inside a private namespace (Tests/support/namespace_env.py), on the real /etc: an account with one recovery
method resets with it; once a sudoers rule of its own (no admin group) names it, it is an administrator
(docs/security.md, "Administrators over time"), so one method is not enough and the reset is not available.

  python3 ns_sudo_admin.py MODULE SSPR DRIVER"""
import os
import sys

from namespace_env import Namespace, done
from namespace_overlay import drive

module, sspr, driver = sys.argv[1:4]
USER, PW = "sspr-sudo-user", "Real-Password-9"
ns = Namespace(module, sspr, policy="methods = recovery_code\n")
ns.user(USER, PW)
codes = ns.codes(USER)
ns.stack("login")
res = {}

res["before"] = drive(driver, USER, None, {"Password: ": "wrong", "Forgot your password? Type yes to reset it, or press Enter to try again: ": "yes",
                                          "Recovery code: ": codes[0], "New password: ": "New-Sudo-Pw-42",
                                          "Retype new password: ": "New-Sudo-Pw-42"})
os.makedirs("/etc/sudoers.d", exist_ok=True)
with open(f"/etc/sudoers.d/{USER}", "w") as f:
    f.write(f"{USER} ALL=(root) /usr/bin/true\n")
os.chmod(f"/etc/sudoers.d/{USER}", 0o440)
res["after"] = drive(driver, USER, None, {"Password: ": "wrong", "Forgot your password? Type yes to reset it, or press Enter to try again: ": "yes",
                                         "Recovery code: ": codes[1]})
res["check"] = ns.sspr("admin", "check", check=False).stdout.decode()
done(res, ns)
