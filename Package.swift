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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        systemLibrary("CPAM", pkgConfig: "pam", apt: "libpam0g-dev"),
        systemLibrary("CCrypt", pkgConfig: "libxcrypt", apt: "libcrypt-dev"),
        systemLibrary("CSQLite", pkgConfig: "sqlite3", apt: "libsqlite3-dev"),
        systemLibrary("COath", pkgConfig: "liboath", apt: "liboath-dev"),
        systemLibrary("CPWQuality", pkgConfig: "pwquality", apt: "libpwquality-dev"),
        systemLibrary("CUnistring", pkgConfig: nil, apt: "libunistring-dev"),
        systemLibrary("CQRencode", pkgConfig: "libqrencode", apt: "libqrencode-dev"),
        .target(name: "SSPRShim", dependencies: ["CPAM", "CUnistring"], path: "Sources/SSPRShim"),
        .target(
            name: "SSPRSystem",
            dependencies: ["SSPRShim", "CPAM", "CCrypt", "CSQLite", "COath", "CPWQuality", "CUnistring"],
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
        .executableTarget(
            name: "sspr",
            dependencies: [
                "SSPRCore", "SSPRSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // `make bench`: figures, never pass/fail (bench/README.md).
        .executableTarget(name: "sspr-bench", dependencies: ["SSPRCore", "SSPRSystem"]),
        .testTarget(name: "SSPRCoreTests", dependencies: ["SSPRCore", "SSPRSystem"]),
    ]
)
