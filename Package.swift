// swift-tools-version: 6.1
import PackageDescription

// Layers, each importing only those above it:
//   CBLAS, CZlib (system libraries)
//   ClipStreamKernels   numeric primitives over contiguous Float storage (the only CBLAS user)
//   ClipStreamCore      estimator bank, clipped SGD, schedules, configuration (no Dispatch)
//   ClipStreamEngine    shards, key routing, the sharded batch engine (Dispatch lives here)
//   ClipStreamIO        CSV/gzip readers and writers, input errors, the CSV scoring pipeline
//   ClipStreamSynthetic seeded generators of labelled streams
//   ClipStreamEvaluation detection metrics (ROC-AUC, precision, recall)
//   ClipStreamExperiments the method's claims, reproduced in process (tracking, MNIST drift)
//   clipstream          the CLI
let package = Package(
    name: "ClipStream",
    products: [
        .library(
            name: "ClipStream",
            targets: [
                "ClipStreamKernels", "ClipStreamCore", "ClipStreamEngine", "ClipStreamIO",
                "ClipStreamSynthetic", "ClipStreamEvaluation", "ClipStreamExperiments",
            ]),
        .executable(name: "clipstream", targets: ["clipstream"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "pkg-config"])]),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev", "pkg-config"])]),
        .target(name: "ClipStreamKernels", dependencies: ["CBLAS"]),
        .target(
            name: "ClipStreamCore",
            dependencies: [
                "ClipStreamKernels", .product(name: "RealModule", package: "swift-numerics"),
            ]),
        .target(
            name: "ClipStreamEngine",
            dependencies: [
                "ClipStreamCore", "ClipStreamKernels",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "ClipStreamIO",
            dependencies: [
                "CZlib", "ClipStreamCore", "ClipStreamEngine",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "ClipStreamSynthetic"),
        .target(name: "ClipStreamEvaluation"),
        .target(
            name: "ClipStreamExperiments",
            dependencies: [
                "ClipStreamCore", "ClipStreamSynthetic", "ClipStreamEvaluation",
                .product(name: "RealModule", package: "swift-numerics"),
            ]),
        .executableTarget(
            name: "clipstream",
            dependencies: [
                "ClipStreamCore", "ClipStreamEngine", "ClipStreamIO", "ClipStreamSynthetic",
                "ClipStreamEvaluation", "ClipStreamExperiments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "ClipStreamKernelsTests",
            dependencies: ["ClipStreamKernels", "TestSupport"]),
        .testTarget(
            name: "ClipStreamCoreTests",
            dependencies: ["ClipStreamCore", "ClipStreamKernels", "ClipStreamSynthetic", "TestSupport"]),
        .testTarget(
            name: "ClipStreamEngineTests",
            dependencies: [
                "ClipStreamEngine", "ClipStreamCore", "ClipStreamSynthetic", "ClipStreamEvaluation",
                "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ClipStreamIOTests",
            dependencies: ["ClipStreamIO", "ClipStreamCore", "ClipStreamEngine", "TestSupport"]),
        .testTarget(
            name: "ClipStreamSyntheticTests",
            dependencies: ["ClipStreamSynthetic", "TestSupport"]),
        .testTarget(
            name: "ClipStreamExperimentsTests",
            dependencies: ["ClipStreamExperiments", "ClipStreamCore", "TestSupport"]),
        .testTarget(
            name: "ClipStreamEvaluationTests",
            dependencies: ["ClipStreamEvaluation", "TestSupport"]),
        .testTarget(
            name: "clipstreamTests",
            // Depending on the executable makes `swift test` build it (argument-parser's example
            // tests do the same); the tests run the binary, they never call its code.
            dependencies: ["clipstream", "TestSupport"],
            resources: [.copy("Fixtures")]),
    ]
)
