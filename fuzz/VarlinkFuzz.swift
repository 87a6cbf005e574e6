// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
// libFuzzer target for ssprd's message decoder: bytes from a client go through the bounded framer and the
// varlink call decoder exactly as in VarlinkConnectionHandler. Any crash, trap or sanitizer report is a bug.
//   make fuzz FUZZ_SECONDS=300
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVarlink(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var framer = VarlinkFramer(limit: 4096)
    // Split the input at an arbitrary point so partial reads are exercised too.
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    for part in [Array(bytes[..<cut]), Array(bytes[cut...])] {
        guard let messages = try? framer.push(part) else { return 0 }
        for message in messages {
            if let call = try? VarlinkWire.decodeCall(message) {
                // Round trip: what we decode we can encode, and it decodes to the same call.
                let encoded = VarlinkWire.encode(call)
                guard encoded.last == 0, let again = try? VarlinkWire.decodeCall(Array(encoded.dropLast())), again == call else {
                    fatalError("varlink call does not round-trip")
                }
            }
        }
    }
    return 0
}
