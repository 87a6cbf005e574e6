"""Inside a private namespace (see Tests/support/namespace_env.py): login(1) on a pseudo-terminal with
LANG=de_DE.UTF-8. The account forgets its password, answers the German offer with "ja", resets with a recovery
code, then logs in with the new password through the real pam_unix.

  python3 ns_languages.py MODULE SSPR REPO

The host's locales and catalogues stay as they are: de_DE.UTF-8 is built with localedef into a tmpfs mounted over
/usr/lib/locale, and sspr's compiled catalogues go into an overlay of /usr/share/locale (the host's catalogues,
Linux-PAM's among them, stay visible), all in this namespace only. Prints one JSON object (the last line)."""
import io
import os
import re
import sys
import time

import pexpect

from namespace_env import Namespace, done, sh

module, sspr, repo = sys.argv[1:4]
USER, OLD, NEW = "sspr-e2e-user", "Old-e2e-Pass-1", "New-e2e-Pass-2"
OFFER_DE = ("Passwort vergessen? Geben Sie ja ein, um es zurückzusetzen, oder drücken Sie die Eingabetaste, um es "
            "erneut zu versuchen: ")
ns = Namespace(module, sspr, policy="services = login\n")
uid, gid = ns.user(USER, OLD)
codes = ns.codes(USER)
ns.stack("login")
res = {"etc_is_copy": ns.etc_is_copy}

t0 = time.monotonic()
sh("mount", "-t", "tmpfs", "-o", "mode=0755", "e2e-locale", "/usr/lib/locale")
sh("localedef", "-i", "de_DE", "-f", "UTF-8", "de_DE.UTF-8")
res["localedef_seconds"] = round(time.monotonic() - t0, 1)
layer = os.path.join(ns.work, "locale-layer")
os.makedirs(os.path.join(layer, "upper", "de", "LC_MESSAGES"))
os.mkdir(os.path.join(layer, "work"))
sh("mount", "-t", "overlay", "-o", f"lowerdir=/usr/share/locale,upperdir={layer}/upper,workdir={layer}/work",
   "e2e-locale-share", "/usr/share/locale")
sh("msgfmt", "--check", "-o", "/usr/share/locale/de/LC_MESSAGES/sspr.mo", os.path.join(repo, "po", "de.po"))

logs = {}


def spawn(name):
    child = pexpect.spawn("login", [USER], encoding="utf-8", codec_errors="replace", timeout=30,
                          env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "dumb", "LANG": "de_DE.UTF-8"})
    logs[name] = io.StringIO()
    child.logfile_read = logs[name]
    return child


def shell_works(child):
    """The user's shell answers, then exits: the login went through."""
    child.sendline("echo E2E-$((40+2))-$(id -un)")
    child.expect("E2E-42-" + re.escape(USER))
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    return [child.exitstatus, child.signalstatus]


# pam_unix's own prompt comes from Linux-PAM's catalogue ("Passwort: " in German) when the host has it.
PASSWORD = "(Passwort|Password): "
child = spawn("reset")
child.expect(PASSWORD)
child.sendline("not-my-password")
child.expect(re.escape(OFFER_DE.rstrip()))
child.sendline("ja")
child.expect("Wiederherstellungscode: ")
child.sendline(codes[0])
child.expect("Neues Passwort: ")
child.sendline(NEW)
child.expect("Neues Passwort wiederholen: ")
child.sendline(NEW)
child.expect(re.escape("Ihr Passwort wurde zurückgesetzt."))
res["reset_exit"] = shell_works(child)

child = spawn("new")
child.expect(PASSWORD)
child.sendline(NEW)
res["new_exit"] = shell_works(child)
res["new_works"] = ns.verify_password(USER, NEW)
res["transcript"] = logs["reset"].getvalue()
res["english_in_reset"] = [w for w in ("Forgot your password", "Recovery code", "New password", "has been reset")
                           if w in res["transcript"]]
done(res, ns)
