// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import CPWQuality
import Glibc
import SSPRShim

/// libpwquality's verdict on a new password, with its reason in the library's own words.
public final class PasswordQuality {
    private let settings: OpaquePointer?
    private let configPath: String?

    /// Reads `configPath` (pwquality.conf) when it exists; otherwise libpwquality's defaults.
    public init(configPath: String?) {
        self.configPath = configPath
        settings = PasswordQuality.readSettings(configPath)
    }

    deinit { pwquality_free_settings(settings) }

    private static func readSettings(_ configPath: String?) -> OpaquePointer? {
        let s = pwquality_default_settings()
        if let configPath, access(configPath, R_OK) == 0 {
            var aux: UnsafeMutableRawPointer?
            _ = pwquality_read_config(s, configPath, &aux)
        }
        return s
    }

    /// cracklib, behind pwquality_check's dictionary test, keeps the open dictionary in static variables: two
    /// threads checking at once can see each other's half-opened dictionary and report "error loading
    /// dictionary". The reset helper checks from one thread; threaded callers (the test suite) take this lock.
    private nonisolated(unsafe) static let cracklibLock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    private static func serialised<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(cracklibLock)
        defer { pthread_mutex_unlock(cracklibLock) }
        return body()
    }

    /// nil when acceptable, else libpwquality's reason ("The password is shorter than 8 characters").
    public func problem(newPassword: SecretBytes, oldPassword: SecretBytes?, user: String) -> String? {
        var aux: UnsafeMutableRawPointer?
        let score: Int32 = newPassword.withCString { new in
            if let oldPassword {
                return oldPassword.withCString { old in PasswordQuality.serialised { pwquality_check(settings, new, old, user, &aux) } }
            }
            return PasswordQuality.serialised { pwquality_check(settings, new, nil, user, &aux) }
        }
        if score >= 0 { return nil }
        return PasswordQuality.message(score, aux)
    }

    private static func message(_ score: Int32, _ aux: UnsafeMutableRawPointer?) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PWQ_MAX_ERROR_MESSAGE_LEN))
        let message = buffer.withUnsafeMutableBufferPointer { pwquality_strerror($0.baseAddress, Int(PWQ_MAX_ERROR_MESSAGE_LEN), score, aux) }
        // The aux value is a string owned by libpwquality for some errors; it never holds the password itself.
        guard let message else { return "The password was refused." }
        // The message may point into `buffer`: read it while the buffer is alive.
        return withExtendedLifetime(buffer) { String(cString: message) }
    }

    /// True when pwquality.conf asks for the cracklib dictionary check (`dictcheck`, on by default).
    public var checksDictionary: Bool {
        var value: Int32 = 0
        return pwquality_get_int_value(settings, PWQ_SETTING_DICT_CHECK, &value) == 0 && value != 0
    }

    /// The configured `dictpath`, or nil for cracklib's compiled-in default.
    public var dictionaryPath: String? {
        var value: UnsafePointer<CChar>?
        guard pwquality_get_str_value(settings, PWQ_SETTING_DICT_PATH, &value) == 0, let value else { return nil }
        return String(cString: value)
    }

    /// Why the dictionary check cannot run (libpwquality's words, e.g. "The password fails the dictionary
    /// check - error loading dictionary"), or nil when it can or is off.
    ///
    /// With dictcheck on and no dictionary, cracklib refuses *every* password. The probe: a random password
    /// that libpwquality itself generated to pass every other rule of this configuration (dictcheck off for
    /// the generation only), then checked with the real settings. A random password of 256 bits (the most
    /// libpwquality generates, long enough for any sane minlen) is no dictionary word, so a dictionary refusal
    /// (twice) means the dictionary is unusable. When no probe can be generated, nothing is claimed (nil).
    public func dictionaryFailure() -> String? {
        guard checksDictionary else { return nil }
        let probeSettings = PasswordQuality.readSettings(configPath)
        defer { pwquality_free_settings(probeSettings) }
        guard pwquality_set_int_value(probeSettings, PWQ_SETTING_DICT_CHECK, 0) == 0 else { return nil }
        var failure: String? = nil
        for _ in 0..<2 {
            var generated: UnsafeMutablePointer<CChar>?
            guard pwquality_generate(probeSettings, PWQ_MAX_ENTROPY_BITS, &generated) == 0, let probe = generated else { return nil }
            defer {
                sspr_secure_zero(probe, strlen(probe))
                free(probe)
            }
            var aux: UnsafeMutableRawPointer?
            let score = PasswordQuality.serialised { pwquality_check(settings, probe, nil, nil, &aux) }
            guard score == PWQ_ERROR_CRACKLIB_CHECK else { return nil }
            failure = PasswordQuality.message(score, aux)
        }
        return failure
    }

    /// Turns the dictionary check off for this checker only, through libpwquality's settings API (the
    /// file is not touched); every other rule of pwquality.conf still applies.
    public func disableDictionaryCheck() {
        _ = pwquality_set_int_value(settings, PWQ_SETTING_DICT_CHECK, 0)
    }
}
