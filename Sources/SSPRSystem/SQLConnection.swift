// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors

/// A value bound to or read from a statement, the same for both store engines.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    public var integer: Int64? { if case .integer(let v) = self { return v }; return nil }
    public var text: String? { if case .text(let v) = self { return v }; return nil }
    public var blob: [UInt8]? {
        switch self {
        case .blob(let v): return v
        case .text(let v): return Array(v.utf8)
        default: return nil
        }
    }
}

/// An error from a database engine. `message` is the engine's own text (it names tables, columns or SQL, never
/// a bound value: parameters travel apart from the statement), so no secret can appear in it.
public struct DatabaseError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// Another writer holds the lock longer than the busy timeout allows (SQLite).
        case busy
        /// The file is not a database or is corrupt (SQLite).
        case damaged
        /// The server cannot be reached, did not answer within the deadline, or the connection broke
        /// (PostgreSQL): nothing more will work on this connection.
        case unreachable
        /// Any other failure of a statement.
        case failed
    }
    public let kind: Kind
    /// SQLite's extended result code, or 0.
    public let code: Int32
    /// PostgreSQL's SQLSTATE, or "".
    public let sqlState: String
    public let message: String

    public init(kind: Kind, code: Int32 = 0, sqlState: String = "", message: String) {
        self.kind = kind
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }
    public var isBusy: Bool { kind == .busy }
    public var description: String { message }
}

/// One connection to the store's database, SQLite or PostgreSQL: what `Store` runs its statements on.
/// Statements use `?` placeholders; the PostgreSQL side is given them already translated (`$1`, `$2`, …).
public protocol SQLConnection: AnyObject {
    /// Runs one or more statements without parameters.
    func execute(_ sql: String) throws(DatabaseError)
    /// Runs one statement with parameters and returns every row.
    func query(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> [[SQLValue]]
    /// Runs one statement with parameters; returns the number of rows it changed.
    func run(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> Int
}
