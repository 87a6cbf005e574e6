/// A libcrypt hashing method and cost for new passwords: the `prefix` and `count` arguments of
/// crypt_gensalt_rn. `cost` 0 lets libcrypt pick the method's default cost.
public struct HashMethod: Equatable, Sendable {
    /// The login.defs name ("SHA512", "YESCRYPT", ...), or "default" for libcrypt's preferred method.
    public let name: String
    /// The setting prefix ("$6$", "$y$", ...; "" is traditional DES).
    public let prefix: String
    public let cost: UInt

    public init(name: String, prefix: String, cost: UInt) {
        self.name = name
        self.prefix = prefix
        self.cost = cost
    }
}
