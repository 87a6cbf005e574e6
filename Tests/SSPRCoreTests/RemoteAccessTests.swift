// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import Testing

/// `allow_remote = no` offers the reset only where no network is involved (issue 11 item 7).
@Suite struct RemoteAccessTests {
    func policy(_ text: String) -> Policy { PolicyLoader.parse(text, source: "test").policy }

    @Test func sshdIsNeverLocalWhateverPAMRHostSays() {
        let p = policy("")
        #expect(p.remoteServices == ["sshd"] && !p.allowRemote)
        for rhost in ["", "127.0.0.1", "::1", "localhost", "localhost.localdomain", "203.0.113.9"] {
            #expect(!resetIsLocal(policy: p, service: "sshd", rhost: rhost), "sshd from \(rhost)")
        }
    }

    @Test func anyRHostIsRemoteEvenLoopback() {
        let p = policy("")
        for rhost in ["127.0.0.1", "::1", "localhost", "localhost.localdomain", "203.0.113.9", " "] {
            #expect(!resetIsLocal(policy: p, service: "login", rhost: rhost), "login from \(rhost)")
        }
        for service in ["login", "gdm-password", "lightdm", "xscreensaver"] {
            #expect(resetIsLocal(policy: p, service: service, rhost: ""), "\(service) at the console")
        }
    }

    @Test func remoteServicesIsAListAndAllowRemoteOpensEverything() {
        let p = policy("remote_services = sshd, xrdp-sesman\n")
        #expect(!resetIsLocal(policy: p, service: "xrdp-sesman", rhost: ""))
        #expect(resetIsLocal(policy: p, service: "login", rhost: ""))
        let open = policy("allow_remote = yes\n")
        #expect(resetIsLocal(policy: open, service: "sshd", rhost: "203.0.113.9"))
        let none = PolicyLoader.parse("remote_services = ssh d\n", source: "test")
        #expect(!none.problems.isEmpty, "a bad service name is a problem, not a silent default")
    }

    @Test func allowRootDefaultsToNo() {
        #expect(!policy("").allowRoot)
        #expect(policy("allow_root = yes\n").allowRoot)
        #expect(!PolicyLoader.parse("allow_root = maybe\n", source: "test").problems.isEmpty)
    }
}
