// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import FoundationEssentials
import Glibc
import SSPRCore
import SSPRSystem

/// `sspr admin enroll --from FILE`: a class list in, what each user must receive out (their authenticator
/// secret and URI, or their recovery codes). Every line is checked first (known account, method, no
/// registration replaced without --replace), so a typo in line 180 enrolls nobody instead of 179 people.
struct BulkEnrollment {
    let global: GlobalOptions
    let replace: Bool

    struct Entry: Decodable {
        let user: String
        let method: String
        let secret: String?
    }

    /// One line of what the admin hands out. Holds secrets: written only to stdout or a 0600 file.
    struct Issued: Encodable {
        let user: String
        let method: String
        var secret: String? = nil
        var otpauth_uri: String? = nil
        var recovery_codes: [String]? = nil
    }

    func run(file: String, output: String?, json: Bool) throws {
        let entries = try Self.read(file)
        guard !entries.isEmpty else { throw CLIError.failed(translated("{file} lists nobody", ["file": file])) }
        let engine = try global.openEngine(create: true)
        defer { _ = try? engine.noticeDelivery.deliverDue() }
        let plan = try check(entries, engine)
        // Open the output before enrolling anything: a secret made for nobody to read is a user locked out.
        let sink = try output.map(Self.createPrivateFile)
        var issued: [Issued] = []
        var failure: String? = nil
        for (entry, kind, key) in plan {
            do {
                issued.append(try enroll(entry, kind, key, engine))
            } catch {
                failure = "stopped at \(entry.user) \(kind.rawValue): \(error)"
                break
            }
        }
        let text = json ? try JSONOutput.text(issued) : Self.csv(issued)
        if let sink { try sink.writeAll(Array(text.utf8)); try sink.sync() } else { print(text, terminator: "") }
        if let failure { throw CLIError.failed("enrolled \(issued.count) of \(plan.count); \(failure)") }
        printError("sspr: enrolled \(issued.count) method\(issued.count == 1 ? "" : "s") for \(Set(issued.map(\.user)).count) users"
                   + (output.map { "; written to \($0)" } ?? ""))
    }

    private func check(_ entries: [Entry], _ engine: RecoveryEngine) throws -> [(Entry, MethodKind, SecretBytes?)] {
        var plan: [(Entry, MethodKind, SecretBytes?)] = []
        var errors: [String] = []
        var seen = Set<String>()
        for (index, entry) in entries.enumerated() {
            let at = "entry \(index + 1) (\(entry.user))"
            guard let kind = MethodKind(name: entry.method), kind == .totp || kind == .recoveryCode else {
                errors.append("\(at): method \"\(entry.method)\": only totp and recovery-codes are enrolled in bulk"); continue
            }
            guard engine.accounts.account(named: entry.user) != nil else { errors.append("\(at): no such account"); continue }
            guard engine.policy.allows(kind) else { errors.append("\(at): the policy does not allow \(kind.rawValue)"); continue }
            guard seen.insert(entry.user + "\u{0}" + kind.rawValue).inserted else { errors.append("\(at): listed twice for \(kind.rawValue)"); continue }
            if !replace, try engine.hasRegistration(user: entry.user, method: kind) {
                errors.append("\(at): already has \(kind.rawValue) (--replace replaces it)"); continue
            }
            var key: SecretBytes? = nil
            if let secret = entry.secret, !secret.isEmpty {
                guard kind == .totp, let decoded = OATH.base32Decode(secret) else { errors.append("\(at): the secret is not valid base32 for totp"); continue }
                key = decoded
            }
            plan.append((entry, kind, key))
        }
        guard errors.isEmpty else {
            for e in errors.prefix(50) { printError("sspr: \(e)") }
            throw CLIError.failed(translated("{refused} of {count} entries refused; nobody was enrolled",
                                             ["refused": String(errors.count), "count": String(entries.count)]))
        }
        return plan
    }

    private func enroll(_ entry: Entry, _ kind: MethodKind, _ given: SecretBytes?, _ engine: RecoveryEngine) throws -> Issued {
        var issued = Issued(user: entry.user, method: kind == .totp ? "totp" : "recovery-codes")
        if kind == .recoveryCode {
            let codes = try engine.generateRecoveryCodes(user: entry.user, context: global.adminContext)
            issued.recovery_codes = codes.map { String(decoding: $0.bytes, as: UTF8.self) }
            return issued
        }
        let key = try given ?? TOTPMethod.newSecret()
        try engine.enrollTOTP(user: entry.user, secret: key, context: global.adminContext)
        if given == nil, let encoded = OATH.base32Encode(key) {
            let text = String(decoding: encoded.bytes, as: UTF8.self)
            issued.secret = text
            issued.otpauth_uri = TOTPProvisioning.uri(user: entry.user, base32Secret: text, hostLabel: engine.policy.hostLabel)
        }
        return issued
    }

    /// CSV ("user,method[,secret]", an optional header line, # comments) or JSON (an array of objects), by content.
    static func read(_ path: String) throws -> [Entry] {
        let text: String
        do { text = try FileSystem.readText(path, limit: 16 << 20) } catch { throw CLIError.failed("\(error)") }
        if text.first(where: { !$0.isWhitespace }) == "[" {
            do { return try JSONDecoder().decode([Entry].self, from: Data(text.utf8)) } catch {
                throw CLIError.failed(translated("{file}: expected a JSON array of user, method and secret objects", ["file": path]))
            }
        }
        var entries: [Entry] = []
        for (index, record) in CSV.records(text).enumerated() {
            let fields = record.map(\.trimmingSpaces)
            if fields.allSatisfy(\.isEmpty) || fields.first?.hasPrefix("#") == true { continue }
            if index == 0 && fields.first?.lowercased() == "user" { continue }
            guard fields.count >= 2, fields.count <= 3 else { throw CLIError.failed(translated("{file}: record {record}: expected user,method[,secret]", ["file": path, "record": String(index + 1)])) }
            entries.append(Entry(user: fields[0], method: fields[1], secret: fields.count == 3 ? fields[2] : nil))
        }
        return entries
    }

    static func csv(_ issued: [Issued]) -> String {
        var out = "user,method,secret,otpauth_uri,recovery_codes\n"
        for i in issued {
            out += [i.user, i.method, i.secret ?? "", i.otpauth_uri ?? "", (i.recovery_codes ?? []).joined(separator: " ")]
                .map(CSV.field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// A new file only root can read (0600), never an existing one or a symlink: it holds every user's secrets.
    static func createPrivateFile(_ path: String) throws -> OpenFile {
        do {
            let file = try OpenFile(path: path, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
            try file.changeMode(0o600)
            return file
        } catch {
            throw CLIError.failed(translated("--output: {error} (the file must not exist yet)", ["error": "\(error)"]))
        }
    }
}
