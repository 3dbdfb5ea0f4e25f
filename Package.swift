// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Prenum",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "prenum", targets: ["prenum"]),
        .library(name: "PrenumCore", targets: ["PrenumCore"])
    ],
    targets: [
        // C libraries, each reached only through its own small Swift wrapper below.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // System calls retried on EINTR, shared by the crypto wrapper and the core.
        .target(name: "PrenumSystem"),
        .target(name: "PrenumSQLite", dependencies: ["CSQLite"]),
        .target(name: "PrenumCrypto", dependencies: ["CCrypto", "PrenumSystem"]),
        .target(name: "PrenumCore", dependencies: ["PrenumSQLite", "PrenumCrypto", "PrenumSystem"], resources: [.copy("Delivery/Schemas")]),
        // The subscriber's side: verifying deliveries and keeping a mirror, apart from the producer's core.
        .target(name: "PrenumRecipient", dependencies: ["PrenumCore", "PrenumSQLite", "PrenumCrypto"]),
        // The sample register generator behind `prenum sample`, apart from the producer's core.
        .target(name: "PrenumSample", dependencies: ["PrenumCore", "PrenumSQLite"]),
        .target(name: "PrenumCLI", dependencies: ["PrenumCore", "PrenumRecipient", "PrenumSample"]),
        .executableTarget(name: "prenum", dependencies: ["PrenumCLI"]),
        // Used by test targets only: the one process runner and the one temporary folder.
        .target(name: "PrenumTestSupport", path: "Tests/PrenumTestSupport"),
        // Used by test targets only: the simulated nights and the independent recipient side that the core's and the
        // recipient's tests share; public API only, so a release build compiles it.
        .target(
            name: "PrenumSimulationSupport",
            dependencies: ["PrenumCore", "PrenumSample", "PrenumSQLite", "PrenumCrypto", "PrenumTestSupport"],
            path: "Tests/PrenumSimulationSupport"),
        .testTarget(name: "PrenumSystemTests", dependencies: ["PrenumSystem"]),
        .testTarget(name: "PrenumSQLiteTests", dependencies: ["PrenumSQLite", "PrenumTestSupport"]),
        .testTarget(name: "PrenumCryptoTests", dependencies: ["PrenumCrypto", "PrenumTestSupport"]),
        .testTarget(
            name: "PrenumCoreTests",
            dependencies: ["PrenumCore", "PrenumSample", "PrenumSQLite", "PrenumCrypto", "PrenumTestSupport", "PrenumSimulationSupport"]),
        .testTarget(
            name: "PrenumRecipientTests",
            dependencies: ["PrenumRecipient", "PrenumCore", "PrenumSQLite", "PrenumCrypto", "PrenumTestSupport", "PrenumSimulationSupport"]),
        .testTarget(name: "PrenumSampleTests", dependencies: ["PrenumSample", "PrenumCore", "PrenumTestSupport"]),
        .testTarget(name: "PrenumCLITests", dependencies: ["PrenumCLI", "PrenumCore", "PrenumTestSupport"])
    ],
    swiftLanguageModes: [.v6]
)
