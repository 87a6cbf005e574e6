// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// Process ids: ours, and whether another one still exists. Used by lock files that name their owner by pid
/// (shadow-utils' `shadow.lock`), so a lock left by a dead process can be told from a live one.
/// (The caller's user ids are in `ProcessIdentity`.)
public enum ProcessTable {
    /// This process's id (`getpid`).
    public static var currentID: Int32 { getpid() }

    /// True unless the kernel says no process has this id (`kill(pid, 0)` failing with ESRCH).
    /// EPERM means the process exists but belongs to someone else: still alive. Ids <= 0 are never "dead"
    /// (they name process groups), so a lock naming one is treated as held.
    public static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0 else { return true }
        if kill(pid, 0) == 0 { return true }
        return errno != ESRCH
    }
}
