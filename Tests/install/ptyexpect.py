"""A tiny expect: runs a command on a pseudo-terminal and answers prompts as they appear."""
import os
import pty
import re
import select
import subprocess
import time


class PtySession:
    def __init__(self, argv, cwd=None, env=None):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = ""
        self.pos = 0

    def _read(self, timeout):
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 4096)
        except OSError:
            return None
        if not data:
            return None
        self.output += data.decode(errors="replace").replace("\r\n", "\n")
        return True

    def expect(self, pattern, timeout=60):
        """Waits for `pattern` (regex) after the last match; returns the match."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.output, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.time()
            if left <= 0 or self._read(min(left, 1.0)) is None and not rx.search(self.output, self.pos):
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"timed out waiting for {pattern!r}; output:\n{self.output}")

    def send(self, line):
        os.write(self.master, (line + "\n").encode())

    def wait(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self._read(0.5) is None and self.proc.poll() is not None:
                break
        rc = self.proc.wait(timeout=max(1, deadline - time.time()))
        os.close(self.master)
        return rc
