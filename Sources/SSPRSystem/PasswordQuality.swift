import CPWQuality
import Glibc

/// libpwquality's verdict on a new password, with its reason in the library's own words.
public final class PasswordQuality {
    private let settings: OpaquePointer?

    /// Reads `configPath` (pwquality.conf) when it exists; otherwise libpwquality's defaults.
    public init(configPath: String?) {
        let s = pwquality_default_settings()
        if let configPath, access(configPath, R_OK) == 0 {
            var aux: UnsafeMutableRawPointer?
            _ = pwquality_read_config(s, configPath, &aux)
        }
        settings = s
    }

    deinit { pwquality_free_settings(settings) }

    /// nil when acceptable, else libpwquality's reason ("The password is shorter than 8 characters").
    public func problem(newPassword: SecretBytes, oldPassword: SecretBytes?, user: String) -> String? {
        var aux: UnsafeMutableRawPointer?
        let score: Int32 = newPassword.withCString { new in
            if let oldPassword {
                return oldPassword.withCString { pwquality_check(settings, new, $0, user, &aux) }
            }
            return pwquality_check(settings, new, nil, user, &aux)
        }
        if score >= 0 { return nil }
        var buffer = [CChar](repeating: 0, count: Int(PWQ_MAX_ERROR_MESSAGE_LEN))
        let message = buffer.withUnsafeMutableBufferPointer { pwquality_strerror($0.baseAddress, Int(PWQ_MAX_ERROR_MESSAGE_LEN), score, aux) }
        // The aux value is a string owned by libpwquality for some errors; it never holds the password itself.
        guard let message else { return "The password was refused." }
        // The message may point into `buffer`: read it while the buffer is alive.
        return withExtendedLifetime(buffer) { String(cString: message) }
    }
}
