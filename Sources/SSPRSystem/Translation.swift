import Glibc
import SSPRShim

/// gettext for sspr's text domain `sspr` (po/, compiled into DIR/LANG/LC_MESSAGES/sspr.mo).
///
/// Guarantees: a message id is always a string literal (`StaticString`), so no user or network text can
/// become a message id; arguments never pass through a printf format: a translated template names them as
/// `{name}` and `translated(_:_:)` substitutes each once, left to right, never rescanning what it inserted.
/// Without a locale (the "C" locale, or one that is not installed) every message is its English msgid.
public enum Translation {
    public static let domain = "sspr"

    /// The reset helper: LC_MESSAGES and LC_CTYPE set to the PAM application's locale (the request's), then
    /// the domain bound. False when that locale is not installed here (the messages stay English).
    @discardableResult
    public static func use(locale: String, directory: String = LocaleDirectory.forThisProgram()) -> Bool {
        let taken = sspr_use_message_locale(locale) == 0
        bind(directory: directory)
        return taken
    }

    /// The command line: the locale its environment asks for (LANG, LC_ALL, LC_MESSAGES), then the domain.
    public static func useEnvironment(directory: String = LocaleDirectory.forThisProgram()) {
        _ = sspr_use_environment_locale()
        bind(directory: directory)
    }

    static func bind(directory: String) {
        _ = sspr_bind_text_domain(domain, directory)
    }

    /// The translation of `msgid` in the current LC_MESSAGES locale, or `msgid` itself.
    static func lookUp(_ msgid: StaticString) -> String {
        let english = msgid.description
        return english.withCString { String(cString: sspr_translate(domain, $0)) }
    }

    /// True when `text` is the locale's own yes: its whole, trimmed, lower-cased self is the locale's word for
    /// yes ("ja", "oui", "sí"; also without its accent, "si"), or it is one letter that the locale's YESEXPR
    /// accepts ("j", "o", "s"). The expression alone is too loose: it looks at the first character only, so
    /// "jetzt nicht" or a retyped password starting with "o" would say yes.
    public static func isLocaleYes(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 16 else { return false }
        let word = String(cString: sspr_yes_word()).lowercased()
        if !word.isEmpty && (text == word || text == withoutAcuteAccents(word)) { return true }
        guard text.count == 1, text.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else { return false }
        return text.withCString { sspr_matches_yes_expression($0) == 1 }
    }

    /// "sí" -> "si": users type the word without its accent on keyboards that lack it.
    static func withoutAcuteAccents(_ word: String) -> String {
        let plain: [Character: Character] = ["á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u"]
        return String(word.map { plain[$0] ?? $0 })
    }
}

/// A message through gettext (text domain `sspr`). The literal is the msgid that po/sspr.pot lists.
public func translated(_ msgid: StaticString) -> String {
    Translation.lookUp(msgid)
}

/// A message with arguments: `translated("Code sent to {address}: ", ["address": masked])`. Each `{name}` of
/// the translated template is replaced once by its value; an unknown `{name}` stays as it is. The values are
/// never read as a format or as a template.
public func translated(_ msgid: StaticString, _ values: KeyValuePairs<String, String>) -> String {
    let template = Translation.lookUp(msgid)
    var result = ""
    var rest = Substring(template)
    while let open = rest.firstIndex(of: "{") {
        result += rest[..<open]
        let afterOpen = rest.index(after: open)
        guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
        let name = rest[afterOpen..<close]
        if let value = values.first(where: { $0.key == name })?.value {
            result += value
        } else {
            result += rest[open...close]
        }
        rest = rest[rest.index(after: close)...]
    }
    result += rest
    return result
}
