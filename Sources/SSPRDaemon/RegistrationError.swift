// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRVarlink

/// The daemon's varlink errors, by their stable names (`io.sspr.Registration.<Name>`, plus the two standard
/// `org.varlink.service` errors). Clients and scripts match on these names.
public enum RegistrationError: String, Error, Sendable, CaseIterable {
    case notAuthenticated = "NotAuthenticated"
    case authenticationFailed = "AuthenticationFailed"
    case lockedOut = "LockedOut"
    case permissionDenied = "PermissionDenied"
    case noSuchUser = "NoSuchUser"
    case notAllowedByPolicy = "NotAllowedByPolicy"
    case invalidCode = "InvalidCode"
    case noPendingSecret = "NoPendingSecret"
    case notRegistered = "NotRegistered"
    /// The account may not use or add registrations (e.g. they were made for another account of that name).
    case notAvailable = "NotAvailable"
    /// Changing one's methods once there are some needs a proof of one of them on this connection, within the
    /// last ten minutes (`ProveMethod`): the password alone is not enough. `methods` lists what may prove it.
    case proofRequired = "ProofRequired"
    case storeUnavailable = "StoreUnavailable"
    case rateLimited = "RateLimited"
    case sendFailed = "SendFailed"
    case internalError = "InternalError"
    case invalidParameter = "InvalidParameter"
    case methodNotFound = "MethodNotFound"

    public var qualifiedName: String {
        switch self {
        case .invalidParameter, .methodNotFound: return "org.varlink.service.\(rawValue)"
        default: return "\(VarlinkWire.interface).\(rawValue)"
        }
    }

    public func reply(_ parameters: [String: JSONValue] = [:]) -> VarlinkReply {
        VarlinkReply(error: qualifiedName, parameters: parameters)
    }
}

/// A failure inside a request handler: the error and its parameters.
struct RegistrationFailure: Error {
    let error: RegistrationError
    let parameters: [String: JSONValue]

    init(_ error: RegistrationError, _ parameters: [String: JSONValue] = [:]) {
        self.error = error
        self.parameters = parameters
    }

    static func invalid(_ parameter: String, _ reason: String) -> RegistrationFailure {
        RegistrationFailure(.invalidParameter, ["parameter": .string(parameter), "reason": .string(reason)])
    }
}
