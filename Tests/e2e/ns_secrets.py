"""Inside a private namespace (Tests/support/namespace_env.py): sentinel secrets (passwords typed, recovery codes, answers, a TOTP
code) go through the module (pam_driver on the real stack) and through ssprd (varlink as the account's uid);
then they are searched for in core dumps (gcore), in every syslog line (a private /dev/log), in temporary
files and in the store. Counts only; the test decides.

  python3 ns_secrets.py MODULE SSPR SSPRD DRIVER VARLINK_CLIENT"""
import os
import shutil
import subprocess
import sys
import time

from namespace_env import OFFER, RESET_DONE, Namespace, done, sh

module, sspr, ssprd, driver, client = sys.argv[1:6]
ns = Namespace(module, sspr, policy="methods = totp,questions,recovery_code,tap\n")
ns.stack("login")
# The module with its debug argument: the most it ever logs.
with open("/etc/pam.d/login") as f:
    text = f.read()
with open("/etc/pam.d/login", "w") as f:
    f.write(text.replace(module, f"{module} debug"))

A, B, C = "sspr-sec-a", "sspr-sec-b", "sspr-sec-c"
PW_A, PW_B, PW_C = "SentinelOldA-7Q2", "SentinelOldB-7Q2", "SentinelOldC-7Q2"
NEW_A, NEW_B = "SentinelNewA-9K4", "SentinelNewB-9K4"
WRONG_TYPED = "SentinelWrongTyped-3Z"
ANSWERS = {"first-street": "Sentinelstreet Qx7", "childhood-friend": "Sentinelfriend Qx7",
           "first-teacher": "Sentinelteacher Qx7"}
D_ANSWERS = {"first-street": "Daemonstreet Zw5", "childhood-friend": "Daemonfriend Zw5",
             "first-teacher": "Daemonteacher Zw5"}
TEXTS = {}
for line in open("/etc/security/sspr-questions.conf"):
    if ":" in line and not line.startswith("#"):
        k, _, v = line.partition(":")
        TEXTS[v.strip()] = k.strip()
ns.user(A, PW_A)
ns.user(B, PW_B)
uid_c, gid_c = ns.user(C, PW_C)
codes_a = ns.codes(A)
ns.sspr("admin", "enroll", B, "questions", "--file", "-",
        stdin="".join(f"{k}: {v}\n" for k, v in ANSWERS.items()).encode())

snap_dirs = ["/tmp", "/var/tmp", "/dev/shm", "/run", "/var/lib", "/etc", ns.work]


def snapshot():
    files = {}
    for d in snap_dirs:
        for root, dirs, names in os.walk(d):
            if root.startswith(os.path.join(ns.work, "etc")) or "olddev" in root:
                dirs[:] = []
                continue
            for n in names:
                p = os.path.join(root, n)
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                files[p] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return files


before_files = snapshot()
cores = {}


def gcore(pid, label):
    prefix = os.path.join(ns.work, "core-" + label)
    sh("gcore", "-o", prefix, str(pid))
    path = f"{prefix}.{pid}"
    cores[label] = path
    return path


def flow(user, answers, label):
    """pam_driver --cycles 2: cycle 1 is the reset; a core is taken at the retype prompt (secrets in use) and
    at cycle 2's first prompt (after pam_end of the reset: whatever is left behind)."""
    p = subprocess.Popen([driver, "/etc/pam.d", "login", user, "--cycles", "2"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    transcript, cycle = [], 1
    for raw in p.stdout:
        line = raw.decode(errors="replace").rstrip("\n")
        if line.startswith("RESULT"):
            transcript.append(line)
            cycle += 1
            continue
        style, _, text = line.partition("\t")
        transcript.append(line)
        if not style.startswith("PROMPT"):
            continue
        if cycle == 2:
            gcore(p.pid, label + "-after")
            p.stdin.write(b"E\n")
            p.stdin.flush()
            continue
        if text == "Retype new password: ":
            gcore(p.pid, label + "-during")
        reply = answers.get(text) or answers.get(TEXTS.get(text.strip(), "?"))
        p.stdin.write(("E\n" if reply is None else "R " + reply.encode().hex() + "\n").encode())
        p.stdin.flush()
    p.stdin.close()
    p.wait()
    return transcript


res = {}
res["flow_a"] = flow(A, {"Password: ": WRONG_TYPED, OFFER: "yes", "Recovery code: ": codes_a[0],
                         "New password: ": NEW_A, "Retype new password: ": NEW_A}, "module-a")
res["flow_b"] = flow(B, {"Password: ": WRONG_TYPED, OFFER: "yes", **ANSWERS,
                         "New password: ": NEW_B, "Retype new password: ": NEW_B}, "module-b")
res["reset_a"], res["reset_b"] = ns.verify_password(A, NEW_A), ns.verify_password(B, NEW_B)

# ssprd: C registers questions, recovery codes and an authenticator app over varlink, as uid C.
os.makedirs("/run/sspr", exist_ok=True)
daemon = subprocess.Popen([ssprd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
for _ in range(200):
    if os.path.exists("/run/sspr/ssprd.sock"):
        break
    time.sleep(0.05)
shutil.copy(client, os.path.join(ns.work, "varlink_client.py"))
import json  # noqa: E402
calls = ['Authenticate {"password": "%s"}' % PW_C,
         'SetQuestions {"answers": [%s]}' % ", ".join('{"id": "%s", "answer": "%s"}' % kv for kv in D_ANSWERS.items()),
         "GenerateRecoveryCodes", "BeginTOTP", 'ConfirmTOTP {"code": "@"}']
r = subprocess.run(["setpriv", f"--reuid={uid_c}", f"--regid={gid_c}", "--clear-groups", "python3",
                    os.path.join(ns.work, "varlink_client.py"), "/run/sspr/ssprd.sock", *calls],
                   capture_output=True, text=True, timeout=60)
replies = [json.loads(l) for l in r.stdout.splitlines()]
res["daemon_replies_ok"] = [("error" not in x) for x in replies]
d_codes = replies[2].get("parameters", {}).get("codes", []) if len(replies) > 2 else []
d_secret = replies[3].get("parameters", {}).get("secret", "") if len(replies) > 3 else ""
time.sleep(0.5)  # the connection is closed; the daemon is idle
gcore(daemon.pid, "ssprd-idle")
daemon.terminate()
daemon.wait(timeout=20)

time.sleep(0.2)
after_files = snapshot()
new_or_changed = sorted(p for p, v in after_files.items() if before_files.get(p) != v
                        and not p.startswith(os.path.join(ns.work, "core-")))

SECRETS = {"typed wrong password": WRONG_TYPED, "old password A": PW_A, "new password A": NEW_A,
           "new password B": NEW_B, "recovery code A": codes_a[0],
           "daemon account password C": PW_C}
for k, v in ANSWERS.items():
    SECRETS[f"answer {k}"] = v
    SECRETS[f"answer {k} (normalised)"] = v.lower()
for k, v in D_ANSWERS.items():
    SECRETS[f"daemon answer {k}"] = v
    SECRETS[f"daemon answer {k} (normalised)"] = v.lower()
for i, c in enumerate(d_codes[:3]):
    SECRETS[f"daemon recovery code {i}"] = c
if d_secret:
    SECRETS["daemon TOTP secret"] = d_secret


def counts(data):
    return {k: data.count(v.encode()) for k, v in SECRETS.items() if data.count(v.encode())}


res["cores"] = {}
for label, path in cores.items():
    data = open(path, "rb").read()
    res["cores"][label] = {"bytes": len(data), "found": counts(data)}
    os.unlink(path)
logs = "\n".join(ns.syslog.lines).encode()
res["syslog_lines"] = len(ns.syslog.lines)
res["syslog_sample"] = ns.syslog.lines[-12:]
res["syslog_found"] = counts(logs)
res["files"] = {}
for p in new_or_changed:
    try:
        if os.path.isfile(p) and not os.path.islink(p):
            res["files"][p] = counts(open(p, "rb").read())
    except OSError:
        pass
res["secrets"] = sorted(SECRETS)
done(res, ns)
