"""Runs inside `unshare -m` (see Tests/support/namespace_overlay.py): make install for real, a password login through /etc/pam.d/login, a
reset with the installed module, sspr and store, make uninstall, and a password login again. Prints JSON."""
import json
import os
import subprocess
import sys

from namespace_overlay import drive, enroll_codes, make_user, mode, overlay_system, reset, run, stack

repo, driver, offer = sys.argv[1:4]
res = {"overlaid": overlay_system()}
multiarch = subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True).stdout.strip()
FILES = [f"/usr/lib/{multiarch}/security/pam_sspr.so", "/usr/bin/sspr", "/usr/sbin/ssprd", "/usr/share/pam-configs/sspr",
         "/usr/libexec/sspr/sspr-reset", "/lib/systemd/system/sspr-reset.socket", "/lib/systemd/system/sspr-reset@.service",
         "/lib/systemd/system/ssprd.socket", "/lib/systemd/system/ssprd.service", "/usr/share/man/man1/sspr.1.gz",
         "/usr/share/man/man8/pam_sspr.8.gz", "/etc/security/sspr.conf", "/etc/security/sspr-questions.conf"]

# Through sudo, as the README says: sudo's secure_path drops the toolchain's directory from PATH, and the
# Makefile must find it anyway (it asks swift where the release build is).
res["sudo_path"] = run("sudo", "sh", "-c", "echo $PATH")["out"].strip()
res["install"] = run("sudo", "make", "--no-print-directory", "-C", repo, "install", "NO_BUILD=1")
res["check_fresh"] = run("/usr/bin/sspr", "admin", "check")
res["auth_after_install"] = stack("/etc/pam.d/common-auth")
res["session_after_install"] = stack("/etc/pam.d/common-session")
res["noninteractive_after_install"] = stack("/etc/pam.d/common-session-noninteractive")
res["group"] = run("getent", "group", "sspr-admin")["out"].strip()
res["group_system"] = run("sh", "-c", "gid=$(getent group sspr-admin | cut -d: -f3); "
                          "max=$(awk '/^SYS_GID_MAX/{print $2}' /etc/login.defs); [ \"$gid\" -le \"${max:-999}\" ]")["rc"] == 0
res["store_mode"] = mode("/var/lib/sspr")
res["modes"] = {p: mode(p) for p in FILES if "man1" not in p and "questions" not in p and "service" not in p}
res["man_installed"] = run("sh", "-c", "MANWIDTH=80 man --warnings pam_sspr 2>&1 >/dev/null")

user, old, new = "sspr-inst-user", "Old-pass-Inst-1", "New-pass-Inst-2"
make_user(user, old)
codes = enroll_codes("/usr/bin/sspr", user)
res["enrolled"] = len(codes)
res["check"] = run("/usr/bin/sspr", "admin", "check")
res["login_old"] = drive(driver, user, old)
res["reset"], res["changed"] = reset(driver, user, offer, codes[0] if codes else "", new)
res["login_new"] = drive(driver, user, new)
res["store_files"] = sorted(os.listdir("/var/lib/sspr"))

res["uninstall"] = run("make", "--no-print-directory", "-C", repo, "uninstall")
res["auth_after_uninstall"] = stack("/etc/pam.d/common-auth")
res["session_after_uninstall"] = stack("/etc/pam.d/common-session")
res["left"] = [p for p in FILES if os.path.exists(p)]
res["login_after_uninstall"] = drive(driver, user, new)
res["wrong_after_uninstall"] = drive(driver, user, "not-my-password")
print(json.dumps(res))
