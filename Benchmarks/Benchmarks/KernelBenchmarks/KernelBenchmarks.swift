import Benchmark
import ClipStreamKernels

/// Per-row kernels, fused loops against CBLAS, at the dimensions the crossover was chosen on.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .instructions, .mallocCountTotal],
        scalingFactor: .kilo, maxDuration: .seconds(2))

    for d in [16, 64, 256, 1024, 4096] {
        for strategy in KernelStrategy.allCases {
            Benchmark("row update d=\(d) \(strategy.rawValue)") { benchmark in
                let x = (0..<d).map { Float($0 % 7) - 3 }
                var theta = [Float](repeating: 0.5, count: d)
                var scale = [Float](repeating: 1, count: d)
                var z = [Float](repeating: 0, count: d)
                var work = [Float](repeating: 0, count: d)
                let rates = ScaleStep(rate: 0.01, clip: 3, absoluteFloor: 1e-6, relativeFloor: 1e-3)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    theta.withUnsafeMutableBufferPointer { t in
                        scale.withUnsafeMutableBufferPointer { s in
                            z.withUnsafeMutableBufferPointer { zz in
                                work.withUnsafeMutableBufferPointer { w in
                                    let sum = LocationKernels.standardizedResidual(
                                        x: x, theta: t.baseAddress!, scale: s.baseAddress!,
                                        into: zz.baseAddress!, count: d, strategy: strategy)
                                    LocationKernels.clippedUpdate(
                                        theta: t.baseAddress!, scale: s.baseAddress!,
                                        z: zz.baseAddress!, count: d, step: 0.001 / (1 + sum),
                                        rates: rates, strategy: strategy, work: w.baseAddress!)
                                }
                            }
                        }
                    }
                }
                blackHole(theta[0])
            }
        }
    }
}
