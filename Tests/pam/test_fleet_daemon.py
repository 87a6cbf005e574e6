# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""ssprd on a fleet store (PostgreSQL): registration says the store is unavailable while the server is down,
within store_timeout, and works again once it is back, without restarting ssprd (its worker threads reopen
their connections)."""
import sys
import time
from pathlib import Path

import pytest

from conftest import set_password
from test_daemon import ALICE, Daemon, err

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from pg_cluster import Cluster  # noqa: E402


@pytest.fixture
def cluster():
    c = Cluster().start()
    yield c
    c.close()


def status(daemon):
    started = time.monotonic()
    reply = daemon.call(ALICE, "GetStatus")[0]
    return reply, time.monotonic() - started


def test_registration_follows_the_fleet_store_down_and_back(sandbox, cluster):
    uri = cluster.uri(cluster.create_database())
    sandbox.policy(f"store = {uri}\nstore_timeout = 2s\n")
    set_password(sandbox.root, "alice", "Alice-pw-1")
    sandbox.sspr("admin", "init")
    daemon = Daemon(sandbox, "--message-timeout", "10")
    try:
        reply, _ = status(daemon)
        assert "error" not in reply, reply
        cluster.stop("fast")
        reply, took = status(daemon)
        assert err(reply) == "StoreUnavailable" and took < 6, (reply, took)
        cluster.pg_ctl("start", "-w", "-t", "60", "-l", str(cluster.base / "log"))
        # Every worker thread that held a connection reopens it on its next call.
        replies = [status(daemon)[0] for _ in range(8)]
        assert all("error" not in r for r in replies), replies
    finally:
        assert daemon.stop() == 0
