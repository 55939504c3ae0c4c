// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets, a nested package so that the root build never links them. Build and run
// with `Scripts/fuzz.sh TARGET SECONDS` (it passes -sanitize=fuzzer,address and uses the
// scratch path .build-fuzz). Seed corpora: Corpus/TARGET.
let package = Package(
    name: "ClipStreamFuzz",
    dependencies: [.package(name: "ClipStream", path: "../..")],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "ClipStream", package: "ClipStream")]),
        .executableTarget(
            name: "FuzzCSV", dependencies: ["FuzzSupport", .product(name: "ClipStream", package: "ClipStream")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(
            name: "FuzzGzip", dependencies: ["FuzzSupport", .product(name: "ClipStream", package: "ClipStream")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(
            name: "FuzzState", dependencies: ["FuzzSupport", .product(name: "ClipStream", package: "ClipStream")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ])
