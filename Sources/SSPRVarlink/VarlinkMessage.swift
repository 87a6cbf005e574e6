// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import FoundationEssentials

/// A varlink call: `{"method": "io.sspr.Registration.GetStatus", "parameters": {...}}`.
public struct VarlinkCall: Codable, Equatable, Sendable {
    public var method: String
    public var parameters: [String: JSONValue]?
    public var oneway: Bool?
    public var more: Bool?

    public init(method: String, parameters: [String: JSONValue]? = nil) {
        self.method = method
        self.parameters = parameters
    }
}

/// A varlink reply: parameters, or an error name with parameters.
public struct VarlinkReply: Codable, Equatable, Sendable {
    public var parameters: [String: JSONValue]?
    public var error: String?

    public init(parameters: [String: JSONValue] = [:]) {
        self.parameters = parameters
        self.error = nil
    }

    public init(error: String, parameters: [String: JSONValue] = [:]) {
        self.error = error
        self.parameters = parameters
    }
}

/// The wire format: one JSON object per message, each terminated by a NUL byte. Messages over `maximumSize`
/// are refused before they are buffered further.
public enum VarlinkWire {
    public static let maximumSize = 64 * 1024
    public static let interface = "io.sspr.Registration"

    public enum Failure: Error, Equatable, Sendable {
        case tooLarge
        case malformed(String)
    }

    /// Decodes one message body (without its NUL).
    public static func decodeCall(_ bytes: [UInt8]) throws(Failure) -> VarlinkCall {
        guard bytes.count <= maximumSize else { throw .tooLarge }
        guard bytes.first == UInt8(ascii: "{") || bytes.first.map({ $0 == 0x20 || $0 == 0x0a || $0 == 0x09 || $0 == 0x0d }) == true else {
            throw .malformed("a message must be a JSON object")
        }
        do {
            let call = try JSONDecoder().decode(VarlinkCall.self, from: Data(bytes))
            guard !call.method.isEmpty, call.method.utf8.count <= 256 else { throw Failure.malformed("bad method name") }
            return call
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .malformed("not a varlink call")
        }
    }

    public static func decodeReply(_ bytes: [UInt8]) throws(Failure) -> VarlinkReply {
        guard bytes.count <= maximumSize * 16 else { throw .tooLarge }
        do { return try JSONDecoder().decode(VarlinkReply.self, from: Data(bytes)) } catch { throw .malformed("not a varlink reply") }
    }

    public static func encode<T: Encodable>(_ message: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = (try? encoder.encode(message)).map { Array($0) } ?? Array(#"{"error":"org.varlink.service.InternalError"}"#.utf8)
        bytes.append(0)
        return bytes
    }
}

/// Splits a byte stream into NUL-terminated messages, bounded: a message that grows past the limit without
/// its NUL is an error at once, so a peer can never make us hold more than `limit` bytes.
public struct VarlinkFramer: Sendable {
    public let limit: Int
    private var pending: [UInt8] = []

    public init(limit: Int = VarlinkWire.maximumSize) { self.limit = limit }

    /// Appends `bytes` and returns every complete message.
    public mutating func push(_ bytes: some Sequence<UInt8>) throws(VarlinkWire.Failure) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        for byte in bytes {
            if byte == 0 {
                messages.append(pending)
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count > limit { throw .tooLarge }
            }
        }
        return messages
    }

    public var bufferedCount: Int { pending.count }
}
