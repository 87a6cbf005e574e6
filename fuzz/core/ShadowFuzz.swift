// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
// libFuzzer target for /etc/shadow line handling: splitting is lossless, an entry found by name is that line,
// and replacing one account's hash changes that line only (every other byte, the final line feed included,
// stays identical).   make fuzz-all
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShadow(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let file = ShadowFile(bytes: bytes)
    if file.bytes != bytes { fatalError("split is not lossless") }
    let newHash = Array("$6$fuzz$hash".utf8)
    for (index, line) in file.lines.enumerated() {
        var joined: [UInt8] = []
        for (i, f) in line.fields.enumerated() { if i > 0 { joined.append(58) }; joined += f }
        if joined != line.bytes { fatalError("fields do not join back") }
        guard let entry = ShadowEntry(line: line) else { continue }
        _ = entry.state(today: 20_000)
        _ = entry.isPasswordExpired(today: 20_000)
        _ = entry.isAccountExpired(today: 20_000)
        if let name = String(validating: entry.nameBytes, as: UTF8.self), let found = file.entry(named: name) {
            if found.index > index { fatalError("entry(named:) is not the first line of that name") }
        }
        if let replaced = file.replacingHash(atLine: index, newHash: newHash, lastChange: 20_000) {
            if replaced.lines.count != file.lines.count { fatalError("line count changed") }
            for (i, (a, b)) in zip(file.lines, replaced.lines).enumerated() where i != index {
                if a != b { fatalError("another line changed") }
            }
            let r = replaced.lines[index]
            if r.endsWithNewline != line.endsWithNewline { fatalError("line feed changed") }
            let f0 = line.fields, f1 = r.fields
            if f1.count != f0.count || f1[1] != newHash || f1[0] != f0[0] || Array(f1[3...]) != Array(f0[3...]) {
                fatalError("replaced more than hash and last change")
            }
        }
        if index > 64 { break }
    }
    return 0
}
