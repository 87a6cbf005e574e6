/// A libcrypt hashing method and cost for new passwords: the `prefix` and `count` arguments of
/// crypt_gensalt_rn. `cost` 0 lets libcrypt pick the method's default cost.
public struct HashMethod: Equatable, Sendable {
    /// The configuration's name for it ("SHA512", "YESCRYPT", pam_unix's "yescrypt", ...), or "default" for
    /// libcrypt's preferred method.
    public let name: String
    /// The setting prefix ("$6$", "$y$", ...; "" is traditional DES). nil asks libcrypt for its preferred method
    /// (crypt_gensalt_rn with a NULL prefix), so a libxcrypt upgrade that changes it is followed without us.
    public let prefix: String?
    public let cost: UInt

    public init(name: String, prefix: String?, cost: UInt) {
        self.name = name
        self.prefix = prefix
        self.cost = cost
    }

    /// libcrypt's preferred method at its default cost: what is left when nothing on the system names one.
    public static let libcryptDefault = HashMethod(name: "default", prefix: nil, cost: 0)
}
