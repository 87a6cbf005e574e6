# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""A fleet for the PAM tests: N "machines" sharing one PostgreSQL store. A machine is a sandbox root of its own
(etc/passwd, shadow, policy, PAM service directory) whose policy names the shared store URI; its PAM driver and
its sspr CLI calls run in a UTS namespace of their own with the machine's host name, so the audit rows the
store keeps say which machine wrote them. Nothing here touches the host's /etc or its host name."""
import select
import shutil
import sys
import time

import conftest
from pathlib import Path
from conftest import make_sandbox
from stress_support import PamRun, audit, codes_left, required_stack

sys.path.insert(0, str(conftest.REPO / "Tests" / "support"))
import pg_cluster  # noqa: E402,F401  (Tests/support is not a package; test_fleet takes it from here)

NAMES = ["lab-a", "lab-b", "lab-c", "lab-d", "lab-e", "lab-f"]


def namespaced(name, net_setup=None, etc_from=None):
    """The command prefix that runs a program as machine `name`: a new UTS namespace whose host name is `name`
    (`hostname` there changes nothing outside). With `net_setup` (shell commands), also a new network namespace
    set up by them first, where only what they configure exists. With `etc_from` (a sandbox root), also a
    private mount namespace where that root's etc/passwd and etc/shadow are bind-mounted over /etc's, so
    pam_unix, which knows no sandbox, checks the machine's own accounts."""
    flags, setup = ["--uts"], []
    if net_setup:
        flags.append("--net")
        setup.append(net_setup)
    if etc_from:
        flags += ["--mount", "--propagation", "private"]
        # The machine's accounts, plus the system accounts it would have too (postgres: sspr checks who serves
        # the store's socket by that name, docs/security.md).
        machine = Path(etc_from) / "etc/passwd.machine"
        own = Path(etc_from, "etc/passwd").read_text()
        names = {line.split(":")[0] for line in own.splitlines() if line}
        system = [line for line in Path("/etc/passwd").read_text().splitlines()
                  if line and line.split(":")[0] not in names and int(line.split(":")[2]) < 1000]
        machine.write_text(own + "".join(line + "\n" for line in system))
        setup += [f"mount --bind {machine} /etc/passwd", f"mount --bind {etc_from}/etc/shadow /etc/shadow"]
    return ("unshare", *flags, "sh", "-c", " && ".join(setup + ['hostname "$0"', 'exec "$@"']), name)


class Machine(conftest.Sandbox):
    """One fleet member: a sandbox (see conftest.make_sandbox) with a host name and the shared store."""

    def __init__(self, driver, name, uri, policy="", net_setup=None):
        box = make_sandbox(driver, prefix=namespaced(name, net_setup), own_store=False)
        super().__init__(box.root, driver, prefix=box.prefix)
        self.name = name
        self.uri = uri
        self.fleet_policy(policy)
        # `auth required`: the driver sees the module's own result.
        required_stack(self)

    def fleet_policy(self, extra="", uri=None):
        self.policy(f"store = {uri or self.uri}\n{extra}")

    def run(self, user="alice", service="login", prefix=None):
        """A PAM conversation on this machine, stepped by the test."""
        return PamRun(self.driver, self.confdir, service, user, prefix=self.prefix if prefix is None else prefix)

    def unix_run(self, stack, user="alice"):
        """A conversation with pam_unix in the stack, against this machine's own passwd and shadow: `unix-only`
        (pam_unix alone) or `unix-first` (the SPEC's stack: pam_unix, then pam_sspr when the password failed;
        as service "login", one the policy allows a reset from)."""
        confdir = self.root / f"pam.d-{stack}"
        confdir.mkdir(exist_ok=True)
        (confdir / "login").write_text(
            "auth required pam_unix.so nodelay\n" if stack == "unix-only" else
            "auth [success=2 default=ignore] pam_unix.so nullok nodelay\n"
            f"auth [success=1 default=ignore] {conftest.MODULE} root={self.root}\n"
            "auth requisite pam_deny.so\nauth required pam_permit.so\n")
        return PamRun(self.driver, confdir, "login", user, prefix=namespaced(self.name, etc_from=self.root))

    def audit(self, user="alice"):
        return audit(self, user)

    def codes_left(self, user="alice"):
        return codes_left(self, user)

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def make_fleet(driver, uri, count, policy=""):
    """`count` machines (lab-a, lab-b, ...) on the store `uri`; the first creates the store's tables."""
    machines = [Machine(driver, name, uri, policy) for name in NAMES[:count]]
    machines[0].sspr("admin", "init")
    return machines


def drive_together(runs, answers, until, timeout=120):
    """Advances every run at once (select over all drivers), answering each prompt from `answers` (prompt text
    -> reply, or a callable taking the run) until each waits at `until` (left unanswered) or has ended.
    Returns the runs that wait at `until`. A prompt `answers` does not know fails the test."""
    pending = {r.proc.stdout.fileno(): r for r in runs}
    waiting = []
    deadline = time.monotonic() + timeout
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{len(pending)} runs did not reach {until!r}; one transcript: "
                               f"{next(iter(pending.values())).transcript}")
        for fd in select.select(list(pending), [], [], left)[0]:
            run = pending[fd]
            while (prompt := run.poll()) is not None:
                if prompt is PamRun.ENDED or prompt == until:
                    if prompt == until:
                        waiting.append(run)
                    del pending[fd]
                    break
                if prompt not in answers:
                    raise AssertionError(f"unexpected prompt {prompt!r}; transcript {run.transcript}")
                value = answers[prompt]
                run.reply(value(run) if callable(value) else value)
    return waiting


def errors(run):
    return [text for style, text in run.transcript if style == "ERROR"]
