// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// What a user offers to prove a method: a code (authenticator, recovery code, pass, e-mailed or texted code)
/// or answers to questions.
public enum Proof {
    case code(SecretBytes)
    case answers([QuestionsMethod.Answer])
}

/// The result of checking a proof.
public enum ProofOutcome: Equatable, Sendable {
    case accepted
    /// Wrong. `lockedUntil` is set when this failure started a lockout.
    case rejected(lockedUntil: Int64?)
    /// Not checked: the name is locked out until then.
    case lockedOut(until: Int64)
}
