import SSPRSystem

/// A recovery method (SPEC section 4). Raw values are the names used in the policy, the store and the CLI.
public enum MethodKind: String, CaseIterable, Sendable, Comparable {
    case totp
    case questions
    case recoveryCode = "recovery_code"
    case email
    case sms
    case tap

    /// Accepts the policy spelling and the CLI's dashed spelling ("recovery-codes", "recovery-code").
    public init?(name: String) {
        switch name.lowercased() {
        case "totp", "authenticator", "app": self = .totp
        case "questions", "question", "security-questions": self = .questions
        case "recovery_code", "recovery-code", "recovery-codes", "recovery_codes", "codes": self = .recoveryCode
        case "email", "e-mail", "mail": self = .email
        case "sms", "text", "phone": self = .sms
        case "tap", "pass", "temporary-access-pass": self = .tap
        default: return nil
        }
    }

    /// The method's English name: logs and the (English) mail notices.
    public var displayName: String {
        switch self {
        case .totp: return "Authenticator app code"
        case .questions: return "Security questions"
        case .recoveryCode: return "Recovery code"
        case .email: return "Code by e-mail"
        case .sms: return "Code by text message"
        case .tap: return "Temporary access pass (from the helpdesk)"
        }
    }

    /// What a user sees in the method menu, in the locale's words.
    public var localizedName: String {
        switch self {
        case .totp: return translated("Authenticator app code")
        case .questions: return translated("Security questions")
        case .recoveryCode: return translated("Recovery code")
        case .email: return translated("Code by e-mail")
        case .sms: return translated("Code by text message")
        case .tap: return translated("Temporary access pass (from the helpdesk)")
        }
    }

    /// Methods a user registers themself (a pass is issued by an admin, not registered).
    public var isUserRegistered: Bool { self != .tap }

    public static func < (a: MethodKind, b: MethodKind) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}
