// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import CPostgres
import Glibc

/// One PostgreSQL connection through libpq, the reference client: its URI and multi-host syntax, passfile,
/// TLS (`sslmode=verify-full`, client certificates) and `target_session_attrs` failover are what fleets already
/// configure for every other client. A synchronous engine (one reset, one connection) needs no event loop,
/// which is why this is libpq and not an asynchronous driver.
///
/// Guarantees: connecting and every statement are bounded by `timeoutMilliseconds` on the client side (a
/// frozen or blackholed server cannot hold a login beyond it); after a timeout or a broken connection the
/// connection is closed and every later call fails as `.unreachable` (a statement whose fate is unknown is
/// never retried here); parameters travel apart from the statement text, so no bound value can reach an
/// error message or the server's statement log.
public final class PostgresDatabase: SQLConnection {
    private var connection: OpaquePointer?
    public let timeoutMilliseconds: Int
    /// The OS user a server on a unix socket must run as (libpq `requirepeer`), when one was asked for.
    public let requiredPeer: String?

    /// Connects to `uri` (a libpq connection URI). libpq's `connect_timeout` (whole seconds, at least 2) bounds
    /// each host of a multi-host URI unless the URI sets its own; the session then gets server-side limits
    /// too, so a statement or a transaction left idle by a stopped client cannot hold the fleet's lock.
    /// `requirePeer`, when given, is the OS user a server on a unix socket must run as (libpq `requirepeer`).
    public init(uri: String, timeoutMilliseconds: Int, requirePeer: String? = nil) throws(DatabaseError) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.requiredPeer = requirePeer
        let seconds = String(max(2, (timeoutMilliseconds + 999) / 1000))
        // Keywords are processed in order and the expanded URI comes last, so the URI's own settings win.
        let keywords = ["connect_timeout", "application_name"] + (requirePeer != nil ? ["requirepeer"] : []) + ["dbname"]
        let values = [seconds, "sspr"] + (requirePeer.map { [$0] } ?? []) + [uri]
        let conn = PostgresDatabase.withCStrings(keywords) { k in
            PostgresDatabase.withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let conn else { throw DatabaseError(kind: .unreachable, message: "libpq: out of memory") }
        connection = conn
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = PostgresDatabase.clean(String(cString: PQerrorMessage(conn)))
            PQfinish(conn)
            connection = nil
            throw DatabaseError(kind: .unreachable, message: message.isEmpty ? "cannot connect" : message)
        }
        try execute("""
            SET statement_timeout = \(timeoutMilliseconds); SET lock_timeout = \(timeoutMilliseconds);
            SET idle_in_transaction_session_timeout = \(max(10_000, 4 * timeoutMilliseconds));
            SET client_min_messages = warning; SET TIME ZONE 'UTC'
            """)
    }

    deinit { if let connection { PQfinish(connection) } }

    /// Whether the connection is encrypted, the server's version ("15.20") and the host it reached, for
    /// `sspr admin check`.
    public var serverVersion: String {
        guard let connection else { return "?" }
        let v = Int(PQserverVersion(connection))
        return "\(v / 10000).\(v % 10000)"
    }
    public var usesTLS: Bool { connection.map { PQsslInUse($0) != 0 } ?? false }
    public var tlsVersion: String? {
        guard let connection, PQsslInUse(connection) != 0, let p = PQsslAttribute(connection, "protocol") else { return nil }
        return String(cString: p)
    }
    public var host: String { connection.flatMap { PQhost($0) }.map { String(cString: $0) } ?? "?" }

    /// False when the server is known to have gone: it closed the connection or said goodbye (a restart, a
    /// failover) while the connection sat idle. Costs one poll with no wait. A server that vanished without a
    /// word is found by the next statement's deadline instead.
    public var isAlive: Bool {
        guard let connection, PQstatus(connection) == CONNECTION_OK else { return false }
        let socket = PQsocket(connection)
        guard socket >= 0 else { return false }
        var fd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&fd, 1, 0) > 0 else { return true }
        // Something arrived unasked: a notice, or the end. Reading it tells which.
        if PQconsumeInput(connection) == 0 || PQstatus(connection) != CONNECTION_OK { return false }
        var probe = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        if poll(&probe, 1, 0) > 0, probe.revents & Int16(POLLHUP | POLLERR) != 0 { return false }
        return true
    }

    public func execute(_ sql: String) throws(DatabaseError) {
        let conn = try open()
        guard PQsendQuery(conn, sql) == 1 else { throw broken("cannot send") }
        _ = try collect(conn)
    }

    public func run(_ sql: String, _ parameters: [SQLValue] = []) throws(DatabaseError) -> Int {
        try send(sql, parameters).changed
    }

    public func query(_ sql: String, _ parameters: [SQLValue] = []) throws(DatabaseError) -> [[SQLValue]] {
        try send(sql, parameters).rows
    }

    // MARK: - Sending and waiting

    private func open() throws(DatabaseError) -> OpaquePointer {
        guard let connection else { throw DatabaseError(kind: .unreachable, message: "the connection to the store was closed after an earlier failure") }
        return connection
    }

    private func send(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> (rows: [[SQLValue]], changed: Int) {
        let conn = try open()
        let count = parameters.count
        var types = [Oid](repeating: 0, count: count)
        var lengths = [Int32](repeating: 0, count: count)
        var formats = [Int32](repeating: 0, count: count)
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        buffers.reserveCapacity(count)
        defer { for b in buffers { free(b) } }
        for (i, value) in parameters.enumerated() {
            switch value {
            case .null: buffers.append(nil)
            case .integer(let v): types[i] = 20; buffers.append(strdup(String(v)))
            case .text(let v): types[i] = 25; buffers.append(strdup(v))
            case .blob(let bytes):
                // Binary format: the bytes as they are, no escaping.
                types[i] = 17; formats[i] = 1; lengths[i] = Int32(bytes.count)
                guard let p = malloc(max(1, bytes.count))?.assumingMemoryBound(to: CChar.self) else {
                    throw DatabaseError(kind: .failed, message: "out of memory")
                }
                bytes.withUnsafeBytes { if let base = $0.baseAddress { memcpy(p, base, bytes.count) } }
                buffers.append(p)
            }
        }
        let values: [UnsafePointer<CChar>?] = buffers.map { $0.map { UnsafePointer($0) } }
        let sent = PQsendQueryParams(conn, sql, Int32(count), types, values, lengths, formats, 0)
        guard sent == 1 else { throw broken("cannot send") }
        return try collect(conn)
    }

    /// Flushes the request and reads every result until libpq has none left, within the deadline.
    private func collect(_ conn: OpaquePointer) throws(DatabaseError) -> (rows: [[SQLValue]], changed: Int) {
        let deadline = SystemClock.monotonicMilliseconds() + Int64(timeoutMilliseconds)
        while true {
            let flushed = PQflush(conn)
            if flushed == 0 { break }
            if flushed < 0 { throw broken("cannot send") }
            try wait(conn, for: Int16(POLLOUT | POLLIN), until: deadline)
            if PQconsumeInput(conn) == 0 { throw broken("connection lost") }
        }
        var rows: [[SQLValue]] = []
        var changed = 0
        var failure: DatabaseError?
        while true {
            while PQisBusy(conn) != 0 {
                try wait(conn, for: Int16(POLLIN), until: deadline)
                if PQconsumeInput(conn) == 0 { throw broken("connection lost") }
            }
            guard let result = PQgetResult(conn) else { break }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK:
                rows = PostgresDatabase.rows(of: result)
                changed = Int(String(cString: PQcmdTuples(result))) ?? 0
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                changed = Int(String(cString: PQcmdTuples(result))) ?? 0
            default:
                if failure == nil { failure = error(of: result, conn) }
            }
        }
        if PQstatus(conn) != CONNECTION_OK { throw broken(failure?.message ?? "connection lost") }
        if let failure { throw failure }
        return (rows, changed)
    }

    private func wait(_ conn: OpaquePointer, for events: Int16, until deadline: Int64) throws(DatabaseError) {
        let socket = PQsocket(conn)
        guard socket >= 0 else { throw broken("no socket") }
        while true {
            let left = deadline - SystemClock.monotonicMilliseconds()
            if left <= 0 { throw broken("no answer from the store within \(timeoutMilliseconds) ms") }
            var fd = pollfd(fd: socket, events: events, revents: 0)
            let n = poll(&fd, 1, Int32(min(left, Int64(Int32.max))))
            if n > 0 { return }
            if n < 0 && errno != EINTR { throw broken("poll: \(String(cString: strerror(errno)))") }
        }
    }

    /// Closes the connection: after a timeout or a lost connection nothing on it can be trusted (libpq may be
    /// half-way through a result). The server ends the session's transaction when it sees the socket close.
    private func broken(_ message: String) -> DatabaseError {
        var text = message
        if let connection {
            let libpq = PostgresDatabase.clean(String(cString: PQerrorMessage(connection)))
            if !libpq.isEmpty && libpq != text { text += ": " + libpq }
            PQfinish(connection)
            self.connection = nil
        }
        return DatabaseError(kind: .unreachable, message: text)
    }

    private func error(of result: OpaquePointer, _ conn: OpaquePointer) -> DatabaseError {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? PostgresDatabase.clean(String(cString: PQresultErrorMessage(result)))
        let kind: DatabaseError.Kind
        switch state {
        case "57014", "55P03", "40001", "40P01": kind = .busy          // timeout, lock wait, serialization, deadlock
        case _ where state.hasPrefix("08"), "57P01", "57P02", "57P03", "25006": kind = .unreachable  // gone, read-only standby
        default: kind = .failed
        }
        return DatabaseError(kind: kind, sqlState: state, message: "\(primary) (SQLSTATE \(state))")
    }

    private static func rows(of result: OpaquePointer) -> [[SQLValue]] {
        let rowCount = PQntuples(result), columns = PQnfields(result)
        var rows: [[SQLValue]] = []
        rows.reserveCapacity(Int(rowCount))
        for r in 0..<rowCount {
            var row: [SQLValue] = []
            row.reserveCapacity(Int(columns))
            for c in 0..<columns {
                if PQgetisnull(result, r, c) == 1 { row.append(.null); continue }
                let text = String(cString: PQgetvalue(result, r, c))
                switch PQftype(result, c) {
                case 20, 21, 23: row.append(.integer(Int64(text) ?? 0))                 // int8, int2, int4
                case 1700: row.append(.integer(Int64(Double(text) ?? 0)))              // numeric (sum of bigints)
                case 16: row.append(.integer(text == "t" ? 1 : 0))                     // bool
                case 17: row.append(.blob(hexBytes(text)))                             // bytea, hex output
                default: row.append(.text(text))
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// bytea's text output: `\x` then two hex digits a byte (bytea_output = hex, the default since 9.0).
    private static func hexBytes(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8.dropFirst(2))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        func value(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return c &- UInt8(ascii: "A") &+ 10
            }
        }
        var i = 0
        while i + 1 < digits.count {
            bytes.append(value(digits[i]) << 4 | value(digits[i + 1]))
            i += 2
        }
        return bytes
    }

    /// libpq's messages end with a newline and may span lines; the logs want one line.
    static func clean(_ message: String) -> String {
        message.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { String($0.drop(while: { $0 == " " })) }
            .joined(separator: "; ")
    }

    /// NUL-terminated copies of `strings` and a terminating nil, as libpq's keyword/value arrays want them.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { strdup($0) } + [nil]
        defer { for c in copies { free(c) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}
