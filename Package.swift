// swift-tools-version: 6.1
//
// sspr: self-service password reset for Linux login.
//
// Layers (see README "How it works"):
//   C libraries (system-library targets) -> SSPRShim (tiny C shims) -> SSPRSystem (the one Swift target that
//   touches unsafe pointers and C calls) -> SSPRCore (the engine: no Foundation, no concurrency) -> front ends:
//   PAMModule (libpam_sspr.so), sspr (CLI).
import PackageDescription
import Foundation

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

/// The module runs inside login, gdm and sshd: no implicit concurrency or regex runtime in the code it links.
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
        .library(name: "pam_sspr", type: .dynamic, targets: ["PAMModule"]),
        .executable(name: "sspr", targets: ["sspr"]),
        .executable(name: "ssprd", targets: ["ssprd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // ssprd: the event loop and unix-socket server (SPEC 7 names SwiftNIO), signals and graceful stop.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        systemLibrary("CPAM", pkgConfig: "pam", apt: "libpam0g-dev"),
        systemLibrary("CCrypt", pkgConfig: "libxcrypt", apt: "libcrypt-dev"),
        systemLibrary("CSQLite", pkgConfig: "sqlite3", apt: "libsqlite3-dev"),
        systemLibrary("COath", pkgConfig: "liboath", apt: "liboath-dev"),
        systemLibrary("CPWQuality", pkgConfig: "pwquality", apt: "libpwquality-dev"),
        systemLibrary("CQRencode", pkgConfig: "libqrencode", apt: "libqrencode-dev"),
        .target(
            name: "SSPRShim", dependencies: ["CPAM"], path: "Sources/SSPRShim",
            // libunistring (Unicode case folding + NFC for answers): its headers stay inside the C shim.
            linkerSettings: [.linkedLibrary("unistring")]),
        .target(
            name: "SSPRSystem",
            dependencies: ["SSPRShim", "CPAM", "CCrypt", "CSQLite", "COath", "CPWQuality"],
            swiftSettings: noImplicitRuntimes),
        .target(name: "SSPRCore", dependencies: ["SSPRSystem"], swiftSettings: noImplicitRuntimes),
        .target(name: "PAMEntry", dependencies: ["CPAM"], path: "Sources/PAMEntry"),
        .target(
            name: "PAMModule",
            dependencies: ["PAMEntry", "SSPRCore", "SSPRSystem"],
            swiftSettings: noImplicitRuntimes,
            linkerSettings: [
                // The Swift runtime goes inside the module: login/sshd have none to share with us.
                .unsafeFlags([
                    "-static-stdlib",
                    // Export pam_sm_* and nothing else.
                    "-Xlinker", "--version-script=\(packageRoot)/pam/pam_sspr.map",
                    // libpam dlcloses modules at pam_end: Swift metadata must never be unmapped.
                    "-Xlinker", "-z", "-Xlinker", "nodelete",
                    "-Xlinker", "-z", "-Xlinker", "relro",
                    "-Xlinker", "-z", "-Xlinker", "now",
                ]),
            ]),
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
        .testTarget(name: "SSPRCoreTests", dependencies: ["SSPRCore", "SSPRSystem"]),
        .testTarget(name: "SSPRDaemonTests", dependencies: ["SSPRDaemon", "SSPRVarlink", "SSPRCore", "SSPRSystem"]),
    ]
)
