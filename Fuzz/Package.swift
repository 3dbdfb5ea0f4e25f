// swift-tools-version:6.0
// libFuzzer targets for Prenum's hostile inputs, kept out of the root package so that the
// normal `swift build` / `swift test` never see `-sanitize=fuzzer`. Built and run by
// `scripts/fuzz.sh`, which passes `-Xswiftc -sanitize=fuzzer` so PrenumCore is instrumented too.
import PackageDescription

let package = Package(
    name: "PrenumFuzz",
    dependencies: [.package(name: "Prenum", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzPopulationFile", dependencies: ["FuzzDriver", .product(name: "PrenumCore", package: "Prenum")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(name: "FuzzConfiguration", dependencies: ["FuzzDriver", .product(name: "PrenumCore", package: "Prenum")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ],
    swiftLanguageModes: [.v6]
)
