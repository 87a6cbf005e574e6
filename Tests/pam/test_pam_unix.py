"""The SPEC 5 stack with the real pam_unix, on the real /etc paths (no root=), inside a private mount
namespace: a copy of /etc is bind-mounted over /etc and a private directory over /var/lib/sspr, a throwaway
account is made there, a reset runs through libpam, and pam_unix alone then accepts the new password and
refuses the old one. The host's account files must be byte-identical before and after."""
import hashlib
import json
from pathlib import Path

from stress_support import MODULE, SSPR, OFFER, run_in_namespace

HOST_FILES = ["/etc/shadow", "/etc/passwd", "/etc/group", "/etc/gshadow", "/etc/shadow-", "/etc/passwd-"]

NS_SCRIPT = r'''
import json, os, shutil, subprocess, sys, tempfile, warnings
warnings.simplefilter("ignore")
import crypt
driver, module, sspr, offer = sys.argv[1:5]
work = tempfile.mkdtemp(prefix="sspr-unix-")
etc = os.path.join(work, "etc")
subprocess.run(["cp", "-a", "/etc", etc], check=True)
subprocess.run(["mount", "--bind", etc, "/etc"], check=True)
store = os.path.join(work, "sspr-store"); os.mkdir(store, 0o700)
if os.path.isdir("/var/lib/sspr"):
    subprocess.run(["mount", "--bind", store, "/var/lib/sspr"], check=True)
else:
    # No mount point on the host (and the host is not to be changed): a private tmpfs over /var/lib in this
    # namespace only, with an empty sspr directory in it.
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "sspr-varlib", "/var/lib"], check=True)
    os.mkdir("/var/lib/sspr", 0o700)
res = {"etc_is_copy": os.stat("/etc").st_ino == os.stat(etc).st_ino}
os.makedirs("/etc/security", exist_ok=True)
open("/etc/security/sspr.conf", "w").write("")
open("/etc/security/pwquality.conf", "w").write("minlen = 8\ndictcheck = 0\n")
user, old, new = "sspr-stress-user", "Old-pass-Unix-1", "New-pass-Unix-2"
subprocess.run(["useradd", "-M", "-N", "-s", "/bin/sh", user], check=True, capture_output=True)
subprocess.run(["chpasswd", "-e"], input=f"{user}:{crypt.crypt(old, crypt.mksalt(crypt.METHOD_SHA512))}\n".encode(), check=True)
enrol = subprocess.run([sspr, "admin", "enroll", user, "recovery-codes"], capture_output=True, check=True)
codes = [l.strip() for l in enrol.stdout.decode().split("\n")[1:] if l.strip()]
res["store_files"] = sorted(os.listdir("/var/lib/sspr"))
confdir = os.path.join(work, "pam.d"); os.mkdir(confdir)
open(os.path.join(confdir, "login"), "w").write(
    "auth [success=2 default=ignore] pam_unix.so nullok\n"
    f"auth [success=1 default=ignore] {module}\n"
    "auth requisite pam_deny.so\n"
    "auth required pam_permit.so\n")
open(os.path.join(confdir, "unix-only"), "w").write("auth required pam_unix.so nodelay\n")

def drive(service, answers):
    """Runs pam_driver, answering each prompt from `answers` (prompt text -> reply) as it comes."""
    p = subprocess.Popen([driver, confdir, service, user], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    transcript, result = [], None
    for raw in p.stdout:
        line = raw.decode(errors="replace").rstrip("\n")
        if line.startswith("RESULT authenticate="):
            result = int(line.split("=")[1]); continue
        style, _, text = line.partition("\t")
        transcript.append([style, text])
        if style.startswith("PROMPT"):
            reply = answers.get(text)
            p.stdin.write(("E\n" if reply is None else "R " + reply.encode().hex() + "\n").encode()); p.stdin.flush()
    p.stdin.close(); p.wait()
    return {"code": result, "rc": p.returncode, "transcript": transcript}

shadow_before = open("/etc/shadow", "rb").read()
res["before_new"] = drive("unix-only", {"Password: ": new})
res["before_old"] = drive("unix-only", {"Password: ": old})
res["reset"] = drive("login", {"Password: ": "not-my-password", offer: "yes", "Recovery code: ": codes[0],
                                    "New password: ": new, "Retype new password: ": new})
shadow_after = open("/etc/shadow", "rb").read()
a, b = shadow_before.split(b"\n"), shadow_after.split(b"\n")
res["changed"] = sorted({x.split(b":")[0].decode() for x, y in zip(a, b) if x != y}) if len(a) == len(b) else ["<line count>"]
res["after_new"] = drive("unix-only", {"Password: ": new})
res["after_old"] = drive("unix-only", {"Password: ": old})
# A normal password login through the full stack: pam_unix succeeds, the module is never asked.
res["login_new"] = drive("login", {"Password: ": new})

# The hash a reset wrote against the one passwd's own PAM path writes here (chpasswd through common-password):
# the same method and cost parameters (everything between the method id and the salt).
def hash_of(name):
    return next(l.split(":")[1] for l in open("/etc/shadow").read().split("\n") if l.startswith(name + ":"))
def setting(h):
    parts = h.split("$")
    return [parts[1]] + parts[2:-2] if h.startswith("$") else ["des"]
res["reset_setting"] = setting(hash_of(user))
subprocess.run(["chpasswd"], input=f"{user}:Third-pass-Unix-3\n".encode(), check=True, capture_output=True)
res["chpasswd_setting"] = setting(hash_of(user))
print(json.dumps(res))
'''


def digest(path):
    p = Path(path)
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None


def test_reset_through_the_real_stack_then_pam_unix_accepts_only_the_new_password(driver):
    host_before = {f: digest(f) for f in HOST_FILES}
    host_varlib = Path("/var/lib/sspr").exists()
    res = run_in_namespace(NS_SCRIPT, [driver, MODULE, SSPR, OFFER])
    assert {f: digest(f) for f in HOST_FILES} == host_before, "the host's account files are untouched"
    assert Path("/var/lib/sspr").exists() == host_varlib
    print("\n" + json.dumps(res["reset"]["transcript"]))

    # Before: pam_unix refuses the new password and accepts the old one.
    assert res["before_new"]["code"] == 7 and res["before_old"]["code"] == 0
    reset = res["reset"]
    assert reset["rc"] == 0 and reset["code"] == 0
    assert [t for s, t in reset["transcript"] if s.startswith("PROMPT")] == [
        "Password: ", OFFER, "Recovery code: ", "New password: ", "Retype new password: "]
    assert ["INFO", "Your password has been reset."] in reset["transcript"]
    assert res["changed"] == ["sspr-stress-user"], "only the account's line changed in the namespace's shadow"
    # After: pam_unix alone accepts the new password and refuses the old.
    assert res["after_new"]["code"] == 0 and res["after_new"]["transcript"] == [["PROMPT_OFF", "Password: "]]
    assert res["after_old"]["code"] == 7
    assert res["login_new"]["code"] == 0 and res["login_new"]["transcript"] == [["PROMPT_OFF", "Password: "]]
    assert res["etc_is_copy"] and "sspr.db" in res["store_files"], "sspr used the private store"
    # The reset hashed as passwd does on this system (Debian 12 stock: yescrypt at cost 5, not login.defs' SHA512).
    print("reset:", res["reset_setting"], "chpasswd:", res["chpasswd_setting"])
    assert res["reset_setting"] == res["chpasswd_setting"]
