// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRSystem
import Testing

/// The password store keys (`password_store`, `ldap_*`), the user filter's RFC 4515 escaping, and how an
/// entry's lock and expiry attributes are read.
@Suite struct DirectoryPolicyTests {
    static let complete = """
        password_store = ldap
        ldap_uri = ldaps://ldap.example.org
        ldap_base = ou=people,dc=example,dc=org
        ldap_bind_dn = cn=sspr-reset,ou=services,dc=example,dc=org
        ldap_bind_password_file = /etc/security/sspr-ldap.secret

        """

    @Test func defaultsAreShadowAndTheSpecsFilter() {
        let p = PolicyLoader.parse("", source: "t").policy
        #expect(p.passwordStore == .shadow)
        #expect(p.ldap.userFilter == "(uid=%s)" && p.ldap.timeout == 3)
        #expect(p.ldap.uri == nil && p.ldap.base == nil && p.ldap.bindDN == nil && p.ldap.bindPasswordFile == nil && p.ldap.caFile == nil)
    }

    @Test func everyDirectoryKeyIsParsed() {
        let r = PolicyLoader.parse(DirectoryPolicyTests.complete + """
            ldap_user_filter = (&(objectClass=posixAccount)(uid=%s))
            ldap_ca_file = /etc/ssl/certs/example-ca.pem
            ldap_timeout = 10s

            """, source: "t")
        #expect(r.problems.isEmpty, "\(r.problems)")
        let l = r.policy.ldap
        #expect(r.policy.passwordStore == .ldap)
        #expect(l.uri == "ldaps://ldap.example.org" && l.base == "ou=people,dc=example,dc=org")
        #expect(l.bindDN == "cn=sspr-reset,ou=services,dc=example,dc=org" && l.bindPasswordFile == "/etc/security/sspr-ldap.secret")
        #expect(l.userFilter == "(&(objectClass=posixAccount)(uid=%s))" && l.caFile == "/etc/ssl/certs/example-ca.pem")
        #expect(l.timeout == 10)
    }

    @Test func malformedValuesNameTheirLine() {
        let cases: [(String, String)] = [
            ("password_store = nis", "t:2: password_store: expected shadow or ldap, got \"nis\""),
            ("ldap_uri = http://ldap.example.org", "t:2: ldap_uri: expected one ldaps://, ldap:// or ldapi:// URI, got \"http://ldap.example.org\""),
            ("ldap_uri = ldaps://a ldaps://b", "t:2: ldap_uri: expected one URI, got \"ldaps://a ldaps://b\""),
            ("ldap_base = example", "t:2: ldap_base: expected a DN like dc=example,dc=org, got \"example\""),
            ("ldap_user_filter = uid=%s", "t:2: ldap_user_filter: the filter must be in parentheses, got \"uid=%s\""),
            ("ldap_user_filter = (|(uid=%s)(mail=%s))",
             "t:2: ldap_user_filter: the filter must contain exactly one %s (and no other %), got \"(|(uid=%s)(mail=%s))\""),
            ("ldap_user_filter = (uid=alice)",
             "t:2: ldap_user_filter: the filter must contain exactly one %s (and no other %), got \"(uid=alice)\""),
            ("ldap_user_filter = (uid=%d)",
             "t:2: ldap_user_filter: the filter must contain exactly one %s (and no other %), got \"(uid=%d)\""),
            ("ldap_bind_password_file = secret.txt", "t:2: ldap_bind_password_file: expected an absolute path without \"..\", got \"secret.txt\""),
            ("ldap_ca_file = /etc/../tmp/ca.pem", "t:2: ldap_ca_file: expected an absolute path without \"..\", got \"/etc/../tmp/ca.pem\""),
            ("ldap_timeout = 0s", "t:2: ldap_timeout: expected a duration from 1s to 1m (like 30s, 5m, 24h, 7d), got \"0s\""),
        ]
        for (line, expected) in cases {
            let r = PolicyLoader.parse("# the first line\n\(line)\n", source: "t")
            #expect(r.problems.map(\.description) == [expected], "\(line)")
        }
    }

    @Test func anLDAPStoreWithoutItsKeysIsAPolicyErrorNamingEachKey() {
        let r = PolicyLoader.parse("password_store = ldap\n", source: "t")
        #expect(r.problems.map(\.description) == [
            "t: password_store = ldap needs ldap_uri", "t: password_store = ldap needs ldap_base",
            "t: password_store = ldap needs ldap_bind_dn", "t: password_store = ldap needs ldap_bind_password_file",
        ])
        // The keys alone, with the shadow store, are no problem: they are simply not used.
        #expect(PolicyLoader.parse("ldap_uri = ldap://x\n", source: "t").problems.isEmpty)
    }

    @Test func startTLSNeedsACAFileAndLdapiNeedsNone() {
        let startTLS = DirectoryPolicyTests.complete.replacing("ldaps://ldap.example.org", with: "ldap://ldap.example.org")
        #expect(PolicyLoader.parse(startTLS, source: "t").problems.map(\.description) == [
            "t: ldap_uri ldap://ldap.example.org uses StartTLS and needs ldap_ca_file (the CA the server's certificate must chain to)",
        ])
        #expect(PolicyLoader.parse(startTLS + "ldap_ca_file = /etc/ca.pem\n", source: "t").problems.isEmpty)
        let local = DirectoryPolicyTests.complete.replacing("ldaps://ldap.example.org", with: "ldapi://%2Frun%2Fslapd%2Fldapi")
        #expect(PolicyLoader.parse(local, source: "t").problems.isEmpty)
    }

    @Test func theUserNameIsEscapedPerRFC4515() {
        #expect(LDAPFilter.escape("alice") == "alice")
        #expect(LDAPFilter.escape("*") == "\\2a")
        #expect(LDAPFilter.escape("a)(uid=*") == "a\\29\\28uid=\\2a")
        #expect(LDAPFilter.escape("back\\slash") == "back\\5cslash")
        #expect(LDAPFilter.escape("nul\u{0}") == "nul\\00")
        #expect(LDAPFilter.escape("jürgen") == "jürgen", "UTF-8 stays as it is (RFC 4515 allows it)")
        #expect(LDAPFilter.userFilter("(uid=%s)", user: "alice") == "(uid=alice)")
        // A name that would widen the filter stays one literal value: no wildcard, no extra clause.
        #expect(LDAPFilter.userFilter("(uid=%s)", user: "*") == "(uid=\\2a)")
        #expect(LDAPFilter.userFilter("(&(objectClass=posixAccount)(uid=%s))", user: "x)(|(uid=*")
                == "(&(objectClass=posixAccount)(uid=x\\29\\28|\\28uid=\\2a))")
        for hostile in ["*", "a*", "*)", ")(uid=*", "alice)(objectClass=*"] {
            let filter = LDAPFilter.userFilter("(uid=%s)", user: hostile)
            let inner = filter.dropFirst(5).dropLast()
            #expect(!inner.contains("*") && !inner.contains("(") && !inner.contains(")"), "\(filter)")
        }
    }

    @Test func generalizedTimeIsReadAsUTC() {
        #expect(DirectoryAccount.generalizedTime("19700101000000Z") == 0)
        #expect(DirectoryAccount.generalizedTime("20261128021658Z") == 1_795_832_218)
        #expect(DirectoryAccount.generalizedTime("20261128021658.123456Z") == 1_795_832_218)
        #expect(DirectoryAccount.generalizedTime("000001010000Z") == nil, "ppolicy's permanent lock value is not a time")
        #expect(DirectoryAccount.generalizedTime("20261128021658+0100") == nil)
        #expect(DirectoryAccount.generalizedTime("20261328021658Z") == nil)
    }

    @Test func lockedAndExpiredEntriesAreRefused() {
        let now: Int64 = 1_795_832_218  // 2026-11-28 02:16:58 UTC, day 20785
        func entry(_ attributes: [String: [String]]) -> LDAPEntry { LDAPEntry(dn: "uid=alice,ou=people,dc=example,dc=org", attributes: attributes) }
        #expect(DirectoryAccount.state(of: entry([:]), now: now) == nil)
        #expect(DirectoryAccount.state(of: entry(["pwdaccountlockedtime": ["000001010000Z"]]), now: now) == "is locked (pwdAccountLockedTime)")
        #expect(DirectoryAccount.state(of: entry(["shadowexpire": ["20785"]]), now: now) == "is expired (shadowExpire)")
        #expect(DirectoryAccount.state(of: entry(["shadowexpire": ["20786"]]), now: now) == nil)
        #expect(DirectoryAccount.state(of: entry(["shadowexpire": ["-1"]]), now: now) == nil)
        #expect(DirectoryAccount.state(of: entry(["pwdendtime": ["20261128021658Z"]]), now: now) == "is past its pwdEndTime")
        #expect(DirectoryAccount.state(of: entry(["pwdendtime": ["20261128021659Z"]]), now: now) == nil)
        #expect(DirectoryAccount.state(of: entry(["pwdendtime": ["soon"]]), now: now) == "has an unreadable pwdEndTime")
    }

    @Test func ppolicyAnswersTheUserCanFixAreAskedAgain() {
        let fixable: [LDAPPasswordPolicyError] = [.passwordTooShort, .passwordTooLong, .insufficientPasswordQuality, .passwordInHistory]
        for error in fixable { #expect(DirectoryRefusal(error)?.userCanFix == true, "\(error)") }
        let final: [LDAPPasswordPolicyError] = [.passwordTooYoung, .accountLocked, .passwordExpired, .changeAfterReset,
                                                .passwordModNotAllowed, .mustSupplyOldPassword]
        for error in final { #expect(DirectoryRefusal(error)?.userCanFix == false, "\(error)") }
        #expect(DirectoryRefusal(nil) == nil)
        #expect(DirectoryRefusal(.passwordInHistory)?.message == "Password has been already used. Choose another.")
        #expect(DirectoryRefusal(.passwordTooShort)?.message == "BAD PASSWORD: The password is shorter than the directory's password policy allows")
        #expect(DirectoryRefusal(.changeAfterReset)?.message == "Password reset is not available right now.")
    }
}
