// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// Random bytes from the kernel (getrandom(2), blocking until the pool is initialised).
public enum SecureRandom {
    public static func bytes(_ count: Int) throws(SystemError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = out.withUnsafeMutableBytes { buf -> Int in
                guard let base = buf.baseAddress else { return 0 }
                return getrandom(base + filled, count - filled, 0)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError.fromErrno("getrandom")
            }
            filled += n
        }
        return out
    }

    /// A uniformly random integer in 0..<bound, without modulo bias.
    public static func uniform(_ bound: UInt32) throws(SystemError) -> UInt32 {
        guard bound > 1 else { return 0 }
        let limit = UInt32.max - UInt32.max % bound
        while true {
            let b = try bytes(4)
            let v = UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
            if v < limit { return v % bound }
        }
    }
}
