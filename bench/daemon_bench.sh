#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
# ssprd figures for `make bench`: GetStatus requests/s with 100 concurrent clients (p50, p99), RSS idle and
# with 1,000 open connections. A sandbox root under /tmp; the host's files are never touched.
#   bench/daemon_bench.sh BIN_DIR [SECONDS]
set -euo pipefail
BIN=$(cd "$1" && pwd)
SECONDS_RUN=${2:-10}
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(mktemp -d /tmp/sspr-bench-daemon-XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$ROOT"; }
trap cleanup EXIT
chmod 0755 "$ROOT"
mkdir -p "$ROOT/etc/security"
cp "$REPO"/Tests/Fixtures/sandbox-etc/{passwd,group,shadow} "$ROOT/etc/"
cp "$REPO/config/sspr-questions.conf" "$ROOT/etc/security/"
"$BIN/sspr" admin enroll alice recovery-codes --root "$ROOT" > /dev/null
gcc -O2 -pthread -o "$ROOT/daemon_load" "$REPO/bench/daemon_load.c"
SOCK="$ROOT/run/sspr/ssprd.sock"
"$BIN/ssprd" --root "$ROOT" --max-connections 1200 --max-connections-per-user 1100 > "$ROOT/ssprd.log" 2>&1 &
PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$PID/status"; }
echo "== 5. ssprd (varlink GetStatus over the unix socket; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  RSS idle after start:        $(rss)   target < 20 MB"
"$ROOT/daemon_load" "$SOCK" alice 100 1 > /dev/null   # warm-up: worker threads, SQLite page cache
echo "  RSS after warm-up:           $(rss)"
echo "  GetStatus, 100 clients:      $("$ROOT/daemon_load" "$SOCK" alice 100 "$SECONDS_RUN")   target > 5,000/s"
mkfifo "$ROOT/hold"
"$ROOT/daemon_load" "$SOCK" alice --hold 1000 < "$ROOT/hold" > "$ROOT/hold.out" &
HOLDER=$!
exec 9> "$ROOT/hold"
for _ in $(seq 600); do grep -q held "$ROOT/hold.out" 2>/dev/null && break; sleep 0.05; done
echo "  RSS with 1,000 connections:  $(rss)   ($(cat "$ROOT/hold.out"))   target < 64 MB"
exec 9>&-
wait "$HOLDER"
