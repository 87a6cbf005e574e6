"""Runs inside `unshare -m` (see Tests/support/namespace_overlay.py): dpkg -i the .deb, a password login and a reset, an edited conffile kept
over a reinstall, dpkg -r (profile out first, login still works), dpkg -P (store purged). Prints JSON."""
import json
import os
import sys

from namespace_overlay import drive, enroll_codes, make_user, mode, overlay_system, reset, run, stack

deb, driver, offer = sys.argv[1:4]
res = {"overlaid": overlay_system()}
env = {"DEBIAN_FRONTEND": "noninteractive"}

res["install"] = run("dpkg", "-i", deb, env=env)
res["auth_after_install"] = stack("/etc/pam.d/common-auth")
res["session_after_install"] = stack("/etc/pam.d/common-session")
res["group"] = run("getent", "group", "sspr-admin")["out"].strip()
res["store_mode"] = mode("/var/lib/sspr")
res["socket_enabled"] = os.path.islink("/etc/systemd/system/sockets.target.wants/ssprd.socket")
res["conffiles"] = run("dpkg-query", "-W", "-f=${Conffiles}", "sspr")["out"]
res["files"] = run("dpkg", "-L", "sspr")["out"].split("\n")

user, old, new = "sspr-deb-user", "Old-pass-Deb-1", "New-pass-Deb-2"
make_user(user, old)
codes = enroll_codes("/usr/bin/sspr", user)
res["login_old"] = drive(driver, user, old)
res["reset"], res["changed"] = reset(driver, user, offer, codes[0] if codes else "", new)

with open("/etc/security/sspr.conf", "a") as f:
    f.write("max_failures = 3\n")
res["reinstall"] = run("dpkg", "--force-confold", "-i", deb, env=env)
res["conf_kept"] = "max_failures = 3" in open("/etc/security/sspr.conf").read()

res["remove"] = run("dpkg", "-r", "sspr", env=env)
res["auth_after_remove"] = stack("/etc/pam.d/common-auth")
res["module_after_remove"] = os.path.exists("/usr/lib/x86_64-linux-gnu/security/pam_sspr.so")
res["store_after_remove"] = os.path.isdir("/var/lib/sspr")
res["login_after_remove"] = drive(driver, user, new)
res["wrong_after_remove"] = drive(driver, user, "not-my-password")

res["purge"] = run("dpkg", "-P", "sspr", env=env)
res["store_after_purge"] = os.path.exists("/var/lib/sspr")
res["conf_after_purge"] = os.path.exists("/etc/security/sspr.conf")
res["auth_after_purge"] = stack("/etc/pam.d/common-auth")
res["login_after_purge"] = drive(driver, user, new)
print(json.dumps(res))
