import Foundation
import SSPRSystem
import Testing

/// The catalogues under po/ against the code: every message the code passes to `translated` is in the
/// template, every language translates every one of them with the same placeholders, and msgfmt accepts each
/// file with --check. A message added to the code without `po/extract.py` fails here.
@Suite struct TranslationCatalogueTests {
    static let languages = ["de", "fr", "es"]

    /// Every literal right after `translated(` in Sources/ (the wrapper takes only a StaticString).
    static func messagesInCode() throws -> Set<String> {
        let call = try NSRegularExpression(pattern: #"\btranslated\(\s*"((?:[^"\\\n]|\\.)*)""#)
        let sources = Sandbox.repository.appendingPathComponent("Sources")
        var found = Set<String>()
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        while let item = enumerator?.nextObject() as? String {
            guard item.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: sources.appendingPathComponent(item).path, encoding: .utf8)
            for match in call.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { found.insert(String(text[range])) }
            }
        }
        return found
    }

    /// msgid -> (msgstr, fuzzy) of a .po/.pot file, strings kept in their escaped form, header left out.
    static func catalogue(_ name: String) throws -> [String: (String, Bool)] {
        let text = try String(contentsOfFile: Sandbox.repository.appendingPathComponent("po/\(name)").path, encoding: .utf8)
        var entries: [String: (String, Bool)] = [:]
        for block in text.components(separatedBy: "\n\n") {
            var msgid: String? = nil
            var msgstr = ""
            var fuzzy = false
            var current = ""
            for line in block.split(separator: "\n").map(String.init) {
                if line.hasPrefix("#,") && line.contains("fuzzy") { fuzzy = true }
                if line.hasPrefix("msgid \"") { current = "id"; msgid = String(line.dropFirst(7).dropLast()) }
                else if line.hasPrefix("msgstr \"") { current = "str"; msgstr = String(line.dropFirst(8).dropLast()) }
                else if line.hasPrefix("\"") {
                    let more = String(line.dropFirst().dropLast())
                    if current == "id" { msgid = (msgid ?? "") + more } else if current == "str" { msgstr += more }
                }
            }
            if let msgid, !msgid.isEmpty { entries[msgid] = (msgstr, fuzzy) }
        }
        return entries
    }

    static func placeholders(_ text: String) throws -> Set<String> {
        let placeholder = try NSRegularExpression(pattern: #"\{[A-Za-z_][A-Za-z0-9_]*\}"#)
        return Set(placeholder.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        })
    }

    @Test func everyMessageInTheCodeIsInTheTemplateAndNothingElse() throws {
        let code = try Self.messagesInCode()
        let template = Set(try Self.catalogue("sspr.pot").keys)
        #expect(code.count > 60)
        #expect(code.subtracting(template).sorted() == [], "in the code, missing from po/sspr.pot: run po/extract.py")
        #expect(template.subtracting(code).sorted() == [], "in po/sspr.pot, no longer in the code: run po/extract.py")
        // The contract's prompts are msgids, word for word (SPEC 5).
        for prompt in ["Forgot your password? Type yes to reset it, or press Enter to try again: ",
                       "Password reset is not available for this account.", "New password: ", "Retype new password: ",
                       "Your password has been reset.", "That was not right."] {
            #expect(template.contains(prompt))
        }
    }

    @Test(arguments: languages) func everyLanguageTranslatesEveryMessageWithTheSamePlaceholders(_ language: String) throws {
        let template = try Self.catalogue("sspr.pot")
        let translations = try Self.catalogue("\(language).po")
        for msgid in template.keys.sorted() {
            guard let (msgstr, fuzzy) = translations[msgid] else {
                Issue.record("\(language).po lacks \"\(msgid)\"")
                continue
            }
            #expect(!msgstr.isEmpty && !fuzzy, "\(language).po: \"\(msgid)\" untranslated or fuzzy")
            #expect(try Self.placeholders(msgstr) == Self.placeholders(msgid), "\(language).po: placeholders of \"\(msgid)\"")
            // A prompt keeps its trailing space, so the user's typing does not touch the text.
            #expect(msgid.hasSuffix(" ") == msgstr.hasSuffix(" "), "\(language).po: trailing space of \"\(msgid)\"")
        }
        #expect(Set(translations.keys).subtracting(template.keys).sorted() == [], "\(language).po has messages the code no longer has")
    }

    @Test(arguments: languages) func msgfmtChecksEachCatalogue(_ language: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/msgfmt")
        process.arguments = ["--check", "-o", "/dev/null", Sandbox.repository.appendingPathComponent("po/\(language).po").path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "msgfmt --check po/\(language).po: \(said)")
    }

    @Test func argumentsAreSubstitutedOnceAndNeverReadAsTemplates() {
        // In the C locale the msgid is the template.
        #expect(translated("Code sent to {address}: ", ["address": "{address} %s %n"]) == "Code sent to {address} %s %n: ")
        #expect(translated("Verify your identity (step {step} of {gates}):", ["step": "1", "gates": "2"])
                == "Verify your identity (step 1 of 2):")
        #expect(translated("Password reset is locked until {time}.", [:]) == "Password reset is locked until {time}.")
        #expect(translated("That was not right.") == "That was not right.")
    }

    @Test func theCLocaleSaysYesOnlyInEnglish() {
        #expect(!Translation.isLocaleYes("ja"))
        #expect(!Translation.isLocaleYes("oui"))
        #expect(!Translation.isLocaleYes("1"))
        #expect(!Translation.isLocaleYes(""))
    }
}
