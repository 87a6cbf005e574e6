/// How a reset conversation ended, when it ended normally. Failures are `SSPRError`s.
public enum ResetOutcome: Equatable, Sendable {
    /// The user did not ask for a reset (anything but "yes" at the offer).
    case declined
    /// The password was changed. `signIn` is true under `on_success = login`.
    case completed(signIn: Bool)
}
