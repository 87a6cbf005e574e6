// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRResetProtocol
import SSPRSystem

/// The helper's end of the protocol socket: frames in and out with deadlines. Every fault (the module went
/// away, a malformed or oversized frame, silence past the deadline) is a `Failure`, which ends the reset.
struct ProtocolChannel {
    /// How long the user may take to answer a prompt (PAM applications have their own, usually shorter, limits).
    static let replyTimeoutMilliseconds: Int64 = 10 * 60 * 1000
    static let writeTimeoutMilliseconds: Int64 = 30 * 1000

    let socket: StreamSocket

    enum Failure: Error {
        case transport(StreamSocket.Failure)
        case protocolError(ResetProtocolError)
    }

    func receive(timeoutMilliseconds: Int64 = ProtocolChannel.replyTimeoutMilliseconds) throws(Failure) -> ResetFrame {
        let deadline = SystemClock.monotonicMilliseconds() + timeoutMilliseconds
        do {
            let header = try socket.read(count: 4, deadline: deadline)
            let length: Int
            do { length = try ResetFrame.payloadLength(header: header) } catch { throw Failure.protocolError(error) }
            var payload = try socket.read(count: length, deadline: deadline)
            defer { MemoryHygiene.wipe(&payload) }
            do { return try ResetFrame.decode(payload: payload) } catch { throw Failure.protocolError(error) }
        } catch let failure as StreamSocket.Failure {
            throw .transport(failure)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .transport(.closed)
        }
    }

    func send(_ frame: ResetFrame) throws(Failure) {
        var bytes: [UInt8]
        do { bytes = try frame.encoded() } catch { throw .protocolError(error) }
        defer { MemoryHygiene.wipe(&bytes) }
        do {
            try socket.write(bytes, deadline: SystemClock.monotonicMilliseconds() + ProtocolChannel.writeTimeoutMilliseconds)
        } catch {
            throw .transport(error)
        }
    }
}
