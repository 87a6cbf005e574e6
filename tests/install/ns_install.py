"""Runs inside `unshare -m` (a private mount namespace): overlays over /etc, /usr and /var with a tmpfs upper
layer, so every write below lands in memory and vanishes with the namespace. Then, on the real paths: make install,
a password login through /etc/pam.d/login, a reset with the installed module, sspr and store, make uninstall,
and a password login again. Prints one JSON object."""
import json
import os
import subprocess
import sys
import tempfile
import warnings

warnings.simplefilter("ignore")
import crypt  # noqa: E402

repo, driver, offer = sys.argv[1:4]
res = {}

work = tempfile.mkdtemp(prefix="sspr-install-ns-")
subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0700", "sspr-install", work], check=True)
for top in ("/etc", "/usr", "/var"):
    name = top.strip("/")
    upper, wk = f"{work}/{name}-upper", f"{work}/{name}-work"
    os.mkdir(upper)
    os.mkdir(wk)
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o", f"lowerdir={top},upperdir={upper},workdir={wk}", top],
                   check=True)
res["overlaid"] = open("/proc/self/mountinfo").read().count(" overlay overlay ") >= 3


def run(*argv, input=None):
    r = subprocess.run(list(argv), capture_output=True, text=True, input=input)
    return {"rc": r.returncode, "out": r.stdout, "err": r.stderr}


def stack(path):
    try:
        return [l.split() for l in open(path) if l.strip() and not l.startswith("#")]
    except FileNotFoundError:
        return None


def mode(path):
    try:
        st = os.stat(path)
        return [oct(st.st_mode & 0o7777), st.st_uid, st.st_gid]
    except FileNotFoundError:
        return None


user, old, new = "sspr-inst-user", "Old-pass-Inst-1", "New-pass-Inst-2"


def drive(password_reply, answers=None):
    """pam_driver on the real /etc/pam.d, service login; answers prompts from a dict (prompt -> reply)."""
    answers = dict(answers or {})
    answers.setdefault("Password: ", password_reply)
    p = subprocess.Popen([driver, "/etc/pam.d", "login", user], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    transcript, result = [], None
    for raw in p.stdout:
        line = raw.decode(errors="replace").rstrip("\n")
        if line.startswith("RESULT authenticate="):
            result = int(line.split("=")[1])
            continue
        style, _, text = line.partition("\t")
        transcript.append([style, text])
        if style.startswith("PROMPT"):
            reply = answers.get(text)
            p.stdin.write(("E\n" if reply is None else "R " + reply.encode().hex() + "\n").encode())
            p.stdin.flush()
    p.stdin.close()
    p.wait()
    return {"code": result, "transcript": transcript}


# --- make install, for real (DESTDIR empty) ---
res["install"] = run("make", "--no-print-directory", "-C", repo, "install", "NO_BUILD=1")
res["auth_after_install"] = stack("/etc/pam.d/common-auth")
res["session_after_install"] = stack("/etc/pam.d/common-session")
res["noninteractive_after_install"] = stack("/etc/pam.d/common-session-noninteractive")
res["group"] = run("getent", "group", "sspr-admin")["out"].strip()
res["group_system"] = run("sh", "-c", "gid=$(getent group sspr-admin | cut -d: -f3); "
                          "min=$(awk '/^SYS_GID_MAX/{print $2}' /etc/login.defs); [ \"$gid\" -le \"${min:-999}\" ]")["rc"] == 0
res["store_mode"] = mode("/var/lib/sspr")
module = subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True).stdout.strip()
res["modes"] = {p: mode(p) for p in (f"/usr/lib/{module}/security/pam_sspr.so", "/usr/bin/sspr", "/usr/sbin/ssprd",
                                     "/usr/share/pam-configs/sspr", "/lib/systemd/system/ssprd.socket",
                                     "/etc/security/sspr.conf", "/usr/share/man/man8/pam_sspr.8.gz")}
res["man_installed"] = run("sh", "-c", "MANWIDTH=80 man --warnings pam_sspr 2>&1 >/dev/null")

# A throwaway account with a known password, permissive quality rules for the new one.
open("/etc/security/pwquality.conf", "w").write("minlen = 8\ndictcheck = 0\n")
run("useradd", "-M", "-N", "-s", "/bin/sh", user)
run("chpasswd", "-e", input=f"{user}:{crypt.crypt(old, crypt.mksalt(crypt.METHOD_SHA512))}\n")
enrol = run("/usr/bin/sspr", "admin", "enroll", user, "recovery-codes")
codes = [l.strip() for l in enrol["out"].split("\n")[1:] if l.strip()]
res["enrolled"] = len(codes)
res["check"] = run("/usr/bin/sspr", "admin", "check")

res["login_old"] = drive(old)
shadow_before = open("/etc/shadow").read().split("\n")
res["reset"] = drive("not-my-password", {offer: "yes", "Recovery code: ": codes[0] if codes else "",
                                        "New password: ": new, "Retype new password: ": new})
shadow_after = open("/etc/shadow").read().split("\n")
res["changed"] = sorted({a.split(":")[0] for a, b in zip(shadow_before, shadow_after) if a != b}) \
    if len(shadow_before) == len(shadow_after) else ["<line count>"]
res["login_new"] = drive(new)
res["store_files"] = sorted(os.listdir("/var/lib/sspr"))

# --- make uninstall ---
res["uninstall"] = run("make", "--no-print-directory", "-C", repo, "uninstall")
res["auth_after_uninstall"] = stack("/etc/pam.d/common-auth")
res["session_after_uninstall"] = stack("/etc/pam.d/common-session")
res["left"] = [p for p in (f"/usr/lib/{module}/security/pam_sspr.so", "/usr/bin/sspr", "/usr/sbin/ssprd",
                           "/usr/share/pam-configs/sspr", "/lib/systemd/system/ssprd.socket",
                           "/lib/systemd/system/ssprd.service", "/usr/share/man/man1/sspr.1.gz",
                           "/etc/security/sspr.conf", "/etc/security/sspr-questions.conf") if os.path.exists(p)]
res["login_after_uninstall"] = drive(new)
res["wrong_after_uninstall"] = drive("not-my-password")
print(json.dumps(res))
