// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// What a completed shadow update did. The new hash is in place once this exists.
public struct ShadowUpdate: Equatable, Sendable {
    /// The hash the entry had before (to record in the password history).
    public let previousHash: String
    /// The last-change day written.
    public let lastChange: Int
    /// Where the previous file was kept.
    public let backupPath: String
    /// False when the directory fsync after the rename failed: the new file is in place but a crash could
    /// still bring the old one back. Reported rather than thrown, because the password has changed.
    public let directorySynced: Bool
}
