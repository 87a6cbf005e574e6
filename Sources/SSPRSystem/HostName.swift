// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// This machine's name as the kernel knows it (gethostname, no DNS): the default `host_label`, so an
/// authenticator entry and a notice say which of several lab machines they belong to.
public enum HostName {
    public static func current() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let rc = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return -1 }
            return gethostname(base, buf.count - 1)
        }
        guard rc == 0 else { return nil }
        let name = stringFromCChars(buffer)
        return name.isEmpty ? nil : name
    }
}
