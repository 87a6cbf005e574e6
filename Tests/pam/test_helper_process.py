"""The reset runs in sspr-reset, a process of its own: what the host process (the PAM application) must
survive, and what the module does when the helper cannot be trusted or misbehaves.

- kill -9 of the helper at each prompt: the host lives on, gets a non-success result, shadow is byte-identical;
- a helper that is missing, not executable, group- or other-writable, owned by another user, or a symlink:
  no offer, the password login is unaffected (PAM_IGNORE), and one log line says why;
- a hostile helper (oversized, truncated, garbage frames, wrong styles, a bogus result, silence): the host does
  not crash and ends with a non-success result;
- the helper's identity: every uid root, its own session, cwd /, a clean environment, only descriptor 3 open."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import HELPER, MODULE_FILE
from stress_support import (NOT_AVAILABLE, OFFER, PAM_AUTH_ERR, PAM_IGNORE, PAM_PERM_DENIED, PAM_SUCCESS, PamRun, enrol_codes,
                            hash_of, verify,
                            required_stack)

SYSLOG_SHIM = r'''
/* Test only: records what the PAM application logs (pam_syslog -> syslog) in $SYSLOG_FILE. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
static void record(const char *fmt, va_list ap)
{
    const char *path = getenv("SYSLOG_FILE");
    FILE *f = path ? fopen(path, "a") : NULL;
    if (!f) return;
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fclose(f);
}
void vsyslog(int pri, const char *fmt, va_list ap) { (void)pri; record(fmt, ap); }
void syslog(int pri, const char *fmt, ...) { va_list ap; va_start(ap, fmt); (void)pri; record(fmt, ap); va_end(ap); }
void __syslog_chk(int pri, int flag, const char *fmt, ...)
{ va_list ap; va_start(ap, fmt); (void)pri; (void)flag; record(fmt, ap); va_end(ap); }
void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap) { (void)pri; (void)flag; record(fmt, ap); }
'''

HOSTILE_HELPER = r'''
/* Test only: a helper that answers the module with MODE's byte stream on descriptor 3. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>
static void put(const void *p, size_t n) { (void)!write(3, p, n); }
static void frame(char kind, const unsigned char *body, uint32_t n)
{
    uint32_t len = n + 1;
    unsigned char h[5] = { len >> 24, len >> 16, len >> 8, len, (unsigned char)kind };
    put(h, 5);
    put(body, n);
}
int main(void)
{
    unsigned char buf[70000];
    (void)!read(3, buf, sizeof buf);                 /* the start frame */
    const char *mode = MODE;
    memset(buf, 'A', sizeof buf);
    if (!strcmp(mode, "oversized")) {            /* a length past the limit */
        unsigned char h[4] = { 0x7f, 0xff, 0xff, 0xff };
        put(h, 4); put(buf, 60000);
    } else if (!strcmp(mode, "truncated")) {     /* announces 100 bytes, sends 10, exits */
        unsigned char h[5] = { 0, 0, 0, 100, 'C' };
        put(h, 5); put(buf, 10);
    } else if (!strcmp(mode, "garbage")) {
        for (int i = 0; i < 70000; i++) buf[i] = (unsigned char)(i * 7919);
        put(buf, sizeof buf);
    } else if (!strcmp(mode, "bad-style")) {     /* style 9 */
        unsigned char b[] = { 0, 1, '9', 0, 2, 'h', 'i' };
        frame('C', b, sizeof b);
    } else if (!strcmp(mode, "field-overrun")) { /* a field longer than its frame */
        unsigned char b[] = { 0, 200, '1' };
        frame('C', b, sizeof b);
    } else if (!strcmp(mode, "nul-in-text")) {
        unsigned char b[] = { 0, 1, '4', 0, 3, 'a', 0, 'b' };
        frame('C', b, sizeof b);
    } else if (!strcmp(mode, "success-then-more")) { /* claims success, then keeps talking */
        unsigned char b[] = { 0, 1, '0' };
        frame('D', b, sizeof b);
        frame('D', b, sizeof b);
        sleep(2);
    } else if (!strcmp(mode, "bogus-result")) {  /* a code outside the module's list */
        unsigned char b[] = { 0, 3, '9', '9', '9' };
        frame('D', b, sizeof b);
    } else if (!strcmp(mode, "success-exit-1")) { /* says success, exits non-zero */
        unsigned char b[] = { 0, 1, '0' };
        frame('D', b, sizeof b);
        return 1;
    } else if (!strcmp(mode, "silent")) {         /* never answers: the module's timeout ends it */
        sleep(30);
    } else if (!strcmp(mode, "unknown-kind")) {
        unsigned char b[] = { 0 };
        frame('Z', b, 0);
    }
    return 0;
}
'''


@pytest.fixture(scope="module")
def syslog_shim(tmp_path_factory):
    d = tmp_path_factory.mktemp("syslogshim")
    (d / "shim.c").write_text(SYSLOG_SHIM)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(d / "shim.so"), str(d / "shim.c")], check=True)
    return d / "shim.so"


def run_logged(box, shim, responder):
    log = box.root / "host-syslog"
    env = dict(os.environ, LD_PRELOAD=str(shim), SYSLOG_FILE=str(log))
    r = PamRun(box.driver, box.confdir, "login", "alice", env=env)
    while (prompt := r.next_prompt()) is not None:
        r.reply(responder(prompt))
    res = r.finish()
    assert r.proc.returncode == 0
    return r.transcript, res["authenticate"], (log.read_text() if log.exists() else "")


KILL_POINTS = [OFFER, "Choose a method [1-2]: ", "Recovery code: ", "New password: ", "Retype new password: "]


@pytest.mark.parametrize("point", KILL_POINTS, ids=["offer", "choice", "proof", "new", "retype"])
def test_kill_9_of_the_helper_at_each_prompt(sandbox, point):
    box = sandbox
    codes = enrol_codes(box, "alice")
    box.sspr("admin", "pass", "alice", "--ttl", "1h")
    required_stack(box)
    before = box.shadow.read_bytes()
    script = {OFFER: "yes", "Choose a method [1-2]: ": "1", "Recovery code: ": codes[0],
              "New password: ": "Killed-at-prompt-9x", "Retype new password: ": "Killed-at-prompt-9x"}
    r = PamRun(box.driver, box.confdir, "login", "alice")
    assert r.answer(script, until=point) == point
    helpers = r.helper_pids()
    assert len(helpers) == 1
    r.kill_helper()
    r.reply("Killed-at-prompt-9x" if "password" in point else "yes")
    res = r.finish()
    assert r.proc.returncode == 0, "the PAM application survives"
    assert res["authenticate"] not in (PAM_SUCCESS, PAM_IGNORE)
    assert box.shadow.read_bytes() == before
    assert not Path(f"/proc/{helpers[0]}").exists()


def untrusted(box, kind):
    """A copy of the helper made untrustworthy in one way; returns the path to name in helper=."""
    d = box.root / "helpers"
    d.mkdir(exist_ok=True)
    path = d / "sspr-reset"
    if kind == "missing":
        return d / "nowhere"
    shutil.copy(HELPER, path)
    os.chmod(path, 0o755)
    if kind == "not-executable":
        os.chmod(path, 0o644)
    elif kind == "group-writable":
        os.chmod(path, 0o775)
    elif kind == "other-writable":
        os.chmod(path, 0o757)
    elif kind == "other-owner":
        os.chown(path, 1001, 1001)
    elif kind == "symlink":
        link = d / "link"
        link.symlink_to(path)
        return link
    elif kind == "directory":
        path.unlink()
        path.mkdir()
    return path


REFUSALS = {"missing": "cannot be opened", "not-executable": "is not executable", "group-writable": "writable by group",
            "other-writable": "writable by group or others", "other-owner": "is not owned by root",
            "symlink": "cannot be opened", "directory": "is not a regular file"}


@pytest.mark.parametrize("kind", list(REFUSALS))
def test_untrusted_helper_is_refused_and_the_login_is_unaffected(sandbox, syslog_shim, kind):
    box = sandbox
    enrol_codes(box, "alice")
    required_stack(box, f"helper={untrusted(box, kind)}")
    transcript, code, log = run_logged(box, syslog_shim, lambda prompt: "yes")
    # PAM_IGNORE from the only module: libpam reports PAM_PERM_DENIED for a stack where nothing decided.
    assert transcript == [] and code == PAM_PERM_DENIED
    assert REFUSALS[kind] in log and "reset not offered" in log


def test_untrusted_helper_leaves_a_password_stack_alone(sandbox, syslog_shim):
    """With the SPEC stack, a refused helper means the stack goes on exactly as without pam_sspr."""
    box = sandbox
    bad = untrusted(box, "group-writable")
    box.stack(auth=[f"auth [success=1 default=ignore] {MODULE_FILE} helper={bad} root={box.root}",
                    "auth requisite pam_deny.so", "auth required pam_permit.so"], session=False)
    transcript, code, _ = run_logged(box, syslog_shim, lambda prompt: "yes")
    assert transcript == [] and code == PAM_AUTH_ERR  # pam_deny's answer, as if pam_sspr were not there


HOSTILE = ["oversized", "truncated", "garbage", "bad-style", "field-overrun", "nul-in-text", "success-then-more",
           "bogus-result", "success-exit-1", "silent", "unknown-kind"]


@pytest.fixture(scope="module")
def hostile_helpers(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    os.chmod(d, 0o755)
    (d / "hostile.c").write_text(HOSTILE_HELPER)
    built = {}
    for mode in HOSTILE:
        out = d / f"helper-{mode}"
        subprocess.run(["gcc", "-O1", f'-DMODE="{mode}"', "-o", str(out), str(d / "hostile.c")], check=True)
        os.chmod(out, 0o755)
        built[mode] = out
    return built


@pytest.mark.parametrize("mode", HOSTILE)
def test_hostile_helper_stream_does_not_harm_the_host(sandbox, syslog_shim, hostile_helpers, mode):
    box = sandbox
    required_stack(box, f"helper={hostile_helpers[mode]} helper_timeout=2")
    t0 = time.monotonic()
    transcript, code, log = run_logged(box, syslog_shim, lambda prompt: "yes")
    assert code not in (PAM_SUCCESS,), (mode, transcript)
    assert transcript == [], "nothing malformed reaches the application's conversation"
    assert "reset helper" in log
    assert time.monotonic() - t0 < 15


IDENTITY_HELPER = r'''
/* Test only: reports the identity it was started with (as the real helper would have it) in REPORT. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
extern char **environ;
int main(void)
{
    FILE *f = fopen(REPORT, "w");
    uid_t r, e, s; gid_t rg, eg, sg;
    getresuid(&r, &e, &s); getresgid(&rg, &eg, &sg);
    char cwd[256]; if (!getcwd(cwd, sizeof cwd)) cwd[0] = 0;
    mode_t mask = umask(0);
    struct rlimit core; getrlimit(RLIMIT_CORE, &core);
    fprintf(f, "uids %u %u %u\ngids %u %u %u\ngroups %d\nsid %d\ncwd %s\numask %o\ncore %lu\n", r, e, s, rg, eg, sg,
            getgroups(0, NULL), getsid(0) == getpid(), cwd, mask, (unsigned long)core.rlim_cur);
    for (char **e2 = environ; *e2; e2++) fprintf(f, "env %s\n", *e2);
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    while (d && (de = readdir(d))) if (de->d_name[0] != '.') fprintf(f, "fd %s\n", de->d_name);
    fclose(f);
    return 0;
}
'''


def test_helper_identity_is_clean_root_even_when_started_by_su_like_caller(sandbox, tmp_path):
    """The driver runs with a real uid that is not root (as su does: real uid the caller, effective uid root),
    a hostile environment, a low core limit, an odd umask and cwd: none of it reaches the helper."""
    box = sandbox
    src, out, report = tmp_path / "id.c", box.root / "id-helper", box.root / "id-report"
    src.write_text(IDENTITY_HELPER)
    subprocess.run(["gcc", "-O1", f'-DREPORT="{report}"', "-o", str(out), str(src)], check=True)
    os.chmod(out, 0o755)
    required_stack(box, f"helper={out} helper_timeout=3")
    # setpriv --ruid keeps the effective uid 0 (like a set-user-id su): the module can still start a root helper.
    prefix = ["setpriv", "--ruid", "1001", "--rgid", "1001", "--clear-groups", "--"]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/home/alice", "LD_PRELOAD": "", "MSMTPRC": "/tmp/evil", "TZ": "Evil/Zone",
           "LANG": "C"}
    r = subprocess.run(["sh", "-c", 'umask 002; ulimit -c 0; cd /tmp; exec "$@"', "sh", *prefix, str(box.driver),
                        str(box.confdir), "login", "alice"], env=env, input=b"", capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    facts = report.read_text().splitlines()
    assert "uids 0 0 0" in facts and "gids 0 0 0" in facts and "groups 0" in facts
    assert "sid 1" in facts and "cwd /" in facts and "umask 77" in facts and "core 0" in facts
    assert sorted(l for l in facts if l.startswith("env ")) == ["env HOME=/root", "env PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
    fds = sorted(l for l in facts if l.startswith("fd "))
    assert fds == ["fd 0", "fd 1", "fd 2", "fd 3", "fd 4", "fd 5"], fds  # 4: the report, 5: opendir's own


def authtok_recorder(box):
    """A program for pam_exec expose_authtok that writes down the PAM_AUTHTOK it is given."""
    seen, script = box.root / "authtok-seen", box.root / "record-authtok"
    script.write_text(f"#!/bin/sh\ncat > {seen}\n")
    os.chmod(script, 0o755)
    return seen, script


def test_new_password_is_handed_on_as_pam_authtok(sandbox, tmp_path):
    """on_success = login: the module after pam_sspr (here pam_exec expose_authtok, standing in for
    pam_gnome_keyring / pam_kwallet) gets the new password as PAM_AUTHTOK without asking for it."""
    box = sandbox
    codes = enrol_codes(box, "alice")
    seen, script = authtok_recorder(box)
    box.stack(auth=[f"auth [success=ok default=die] {MODULE_FILE} helper={HELPER} root={box.root}",
                    f"auth required pam_exec.so expose_authtok quiet {script}"], session=False)
    new = "Handed-on-Pw-42x"
    r = PamRun(box.driver, box.confdir, "login", "alice")
    r.answer({OFFER: "yes", "Recovery code: ": codes[0], "New password: ": new, "Retype new password: ": new})
    res = r.finish()
    assert res["authenticate"] == PAM_SUCCESS, r.transcript
    assert seen.read_bytes().rstrip(b"\0") == new.encode()
    assert not any(t.startswith("Password") for _, t in r.transcript), "pam_exec did not have to ask"


def test_relogin_hands_nothing_on(sandbox):
    box = sandbox
    box.policy("on_success = relogin\n")
    codes = enrol_codes(box, "alice")
    seen, script = authtok_recorder(box)
    box.stack(auth=[f"auth optional {MODULE_FILE} helper={HELPER} root={box.root}",
                    f"auth optional pam_exec.so expose_authtok quiet {script}", "auth required pam_deny.so"],
              session=False)
    new = "Relogin-Pw-42x"
    r = PamRun(box.driver, box.confdir, "login", "alice", lenient=True)
    r.answer({OFFER: "yes", "Recovery code: ": codes[0], "New password: ": new, "Retype new password: ": new})
    r.finish()
    # pam_exec had to ask (the lenient run answered with a conversation error), so it never saw the password.
    assert not seen.exists() or new.encode() not in seen.read_bytes()


def test_a_callers_hard_file_size_limit_never_half_writes(sandbox):
    """The caller may set limits before su. The helper raises what root may raise; where it cannot (a container
    without CAP_SYS_RESOURCE), a write fails with EFBIG instead of killing the helper: either the reset completes
    (limit raised) or it ends non-success with shadow byte-identical, and the host survives either way."""
    box = sandbox
    codes = enrol_codes(box, "alice")
    required_stack(box)
    before = box.shadow.read_bytes()
    new = "Limited-Pw-42x"
    r = PamRun(box.driver, box.confdir, "login", "alice", prefix=["sh", "-c", 'ulimit -f 1; exec "$@"', "sh"])
    r.answer({OFFER: "yes", "Recovery code: ": codes[0], "New password: ": new, "Retype new password: ": new})
    code = r.finish()["authenticate"]
    assert r.proc.returncode == 0
    after = box.shadow.read_bytes()
    if code == PAM_SUCCESS:
        assert verify(hash_of(after, "alice"), new)
    else:
        assert after == before
