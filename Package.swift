// swift-tools-version: 6.1
// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
//
// sspr: self-service password reset for Linux login.
//
// Layers (see README "How it works"):
//   C libraries (system-library targets) -> SSPRShim (tiny C shims) -> SSPRSystem (the one Swift target that
//   touches unsafe pointers and C calls) -> SSPRCore (the engine: no Foundation, no concurrency) -> front ends:
//   sspr-reset (the reset helper pam_sspr.so starts), ssprd (daemon), sspr (CLI).
// pam_sspr.so itself is C (pam/module/, built by the Makefile with gcc): it links libpam and libc only, so it
// is no SwiftPM product (SwiftPM links through swiftc, which would pull in the Swift runtime).
import PackageDescription
import Foundation

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

/// The engine and the reset helper: no implicit concurrency or regex runtime in the code they link.
let noImplicitRuntimes: [SwiftSetting] = [
    .unsafeFlags(["-Xfrontend", "-disable-implicit-concurrency-module-import",
                  "-Xfrontend", "-disable-implicit-string-processing-module-import"]),
]

func systemLibrary(_ name: String, pkgConfig: String?, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "sspr",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sspr-reset", targets: ["sspr-reset"]),
        .executable(name: "sspr", targets: ["sspr"]),
        .executable(name: "ssprd", targets: ["ssprd"]),
    ],
    // Pinned with exact versions: a fresh clone resolves the same code without a Package.resolved (which this
    // build machine's package mirror cannot share: its commit ids are not GitHub's, see README "Install").
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // ssprd: the event loop and unix-socket server (SPEC 7 names SwiftNIO), signals and graceful stop.
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        systemLibrary("CCrypt", pkgConfig: "libxcrypt", apt: "libcrypt-dev"),
        systemLibrary("CSQLite", pkgConfig: "sqlite3", apt: "libsqlite3-dev"),
        systemLibrary("COath", pkgConfig: "liboath", apt: "liboath-dev"),
        systemLibrary("CPWQuality", pkgConfig: "pwquality", apt: "libpwquality-dev"),
        systemLibrary("CQRencode", pkgConfig: "libqrencode", apt: "libqrencode-dev"),
        // libpq, PostgreSQL's reference client: the fleet store (`store = postgresql://…`).
        systemLibrary("CPostgres", pkgConfig: "libpq", apt: "libpq-dev"),
        // libldap (OpenLDAP) for password_store = ldap: the Password Modify exop with the ppolicy control, TLS.
        systemLibrary("CLDAP", pkgConfig: "ldap", apt: "libldap-dev"),
        .target(
            name: "SSPRShim", path: "Sources/SSPRShim",
            // libunistring (Unicode case folding + NFC for answers): its headers stay inside the C shim.
            linkerSettings: [.linkedLibrary("unistring")]),
        .target(
            name: "SSPRSystem",
            dependencies: ["SSPRShim", "CCrypt", "CSQLite", "COath", "CPWQuality", "CPostgres", "CLDAP"],
            swiftSettings: noImplicitRuntimes),
        .target(name: "SSPRCore", dependencies: ["SSPRSystem"], swiftSettings: noImplicitRuntimes),
        // The protocol between pam_sspr.so and sspr-reset (docs/reset-protocol.md): pure Swift, fuzzed on its own.
        .target(name: "SSPRResetProtocol"),
        // The reset helper: the engine in its own root process, one per reset, started by pam_sspr.so.
        .executableTarget(
            name: "sspr-reset",
            dependencies: ["SSPRCore", "SSPRSystem", "SSPRResetProtocol"],
            swiftSettings: noImplicitRuntimes),
        // The varlink wire format, shared by the daemon and the CLI (and fuzzed).
        .target(name: "SSPRVarlink"),
        // libqrencode for the terminal QR code; its own target so the PAM module never links it.
        .target(name: "SSPRQRCode", dependencies: ["CQRencode"]),
        .target(
            name: "SSPRDaemon",
            dependencies: [
                "SSPRCore", "SSPRSystem", "SSPRVarlink",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "ssprd",
            dependencies: [
                "SSPRDaemon", "SSPRCore", "SSPRSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "sspr",
            dependencies: [
                "SSPRCore", "SSPRSystem", "SSPRVarlink", "SSPRQRCode", "SSPRDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // `make bench`: figures, never pass/fail (bench/README.md).
        .executableTarget(name: "sspr-bench", dependencies: ["SSPRCore", "SSPRSystem"]),
        .testTarget(name: "SSPRCoreTests", dependencies: ["SSPRCore", "SSPRSystem", "SSPRResetProtocol"]),
        .testTarget(name: "SSPRDaemonTests", dependencies: ["SSPRDaemon", "SSPRVarlink", "SSPRCore", "SSPRSystem"]),
    ]
)
