// Stand-ins for the few SSPRSystem calls the fuzzed SSPRCore files reference but the fuzz targets never reach
// (file loading, the clock). Parsing, line handling and answer normalisation are the real code.
struct FuzzStubError: Error {}

struct FileStatus {
    enum Kind { case regular, directory, symlink, other }
    var kind: Kind = .regular
    var owner: UInt32 = 0
    var mode: UInt32 = 0o644
}

enum FileSystem {
    static func status(_ path: String) throws -> FileStatus? { nil }
    static func readFile(_ path: String, limit: Int) throws -> [UInt8] { throw FuzzStubError() }
}

enum SystemClock {
    static func now() -> Int64 { 1_764_000_000 }
}

/// MethodKind's menu names go through gettext (SSPRSystem's Translation); the fuzz targets never show them.
func translated(_ msgid: StaticString) -> String { msgid.description }
