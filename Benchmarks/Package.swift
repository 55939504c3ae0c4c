// swift-tools-version: 6.1
import PackageDescription

// A nested package so that the root `swift test` never builds the benchmarks.
// Run: cd Benchmarks && swift package benchmark
// Thresholds: Thresholds/ (update with `swift package --allow-writing-to-package-directory
// benchmark thresholds update`).
let package = Package(
    name: "ClipStreamBenchmarks",
    dependencies: [
        .package(name: "ClipStream", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ClipStream", package: "ClipStream"),
            ],
            path: "Benchmarks/KernelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ClipStream", package: "ClipStream"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
