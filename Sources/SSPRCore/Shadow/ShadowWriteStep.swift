// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The steps of a shadow update that touch the disk, in order. Tests name one in
/// `ShadowWriter.failingStep` to make it fail as if the system call had returned EIO, so every failure path
/// is exercised without a broken disk.
public enum ShadowWriteStep: Equatable, Sendable, CaseIterable {
    case createTemporary
    case writeTemporary
    case setOwnership
    case syncTemporary
    case keepBackup
    case checkUnchanged
    case rename
}
