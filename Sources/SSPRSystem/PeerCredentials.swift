// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// The kernel's word on who is at the other end of a unix socket (SO_PEERCRED), for ssprd.
public enum PeerCredentials {
    /// `struct ucred` with the C layout.
    public typealias Raw = sspr_ucred
    public static var socketLevel: Int32 { SOL_SOCKET }
    public static var option: Int32 { sspr_so_peercred() }
}
