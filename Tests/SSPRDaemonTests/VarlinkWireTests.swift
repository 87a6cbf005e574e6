// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRVarlink
import Testing

@Suite struct VarlinkWireTests {
    @Test func framesSplitOnNUL() throws {
        var framer = VarlinkFramer(limit: 64)
        #expect(try framer.push(Array("{\"a\":1}\0{\"b\"".utf8)) == [Array("{\"a\":1}".utf8)])
        #expect(framer.bufferedCount == 4)
        #expect(try framer.push(Array(":2}\0\0".utf8)) == [Array("{\"b\":2}".utf8), []])
        #expect(framer.bufferedCount == 0)
    }

    @Test func oversizedMessageIsRefusedBeforeItIsBuffered() {
        var framer = VarlinkFramer(limit: 16)
        #expect(throws: VarlinkWire.Failure.tooLarge) { try framer.push([UInt8](repeating: 0x41, count: 17)) }
        var exact = VarlinkFramer(limit: 16)
        #expect(throws: Never.self) { try exact.push([UInt8](repeating: 0x41, count: 16) + [0]) }
    }

    @Test func decodesCallsAndRejectsEverythingElse() throws {
        let call = try VarlinkWire.decodeCall(Array(#"{"method":"io.sspr.Registration.GetStatus","parameters":{"user":"alice"}}"#.utf8))
        #expect(call.method == "io.sspr.Registration.GetStatus" && call.parameters?["user"]?.string == "alice")
        for bad in ["", "[]", "null", "{}", #"{"method":""}"#, #"{"method":5}"#, "{\"method\":\"x\"", "\u{FF}"] {
            #expect(throws: VarlinkWire.Failure.self, "\(bad)") { try VarlinkWire.decodeCall(Array(bad.utf8)) }
        }
    }

    @Test func repliesEndWithNUL() throws {
        let bytes = VarlinkWire.encode(VarlinkReply(error: "io.sspr.Registration.LockedOut", parameters: ["until": 5]))
        #expect(bytes.last == 0)
        let reply = try VarlinkWire.decodeReply(Array(bytes.dropLast()))
        #expect(reply.error == "io.sspr.Registration.LockedOut" && reply.parameters?["until"]?.int == 5)
    }
}
