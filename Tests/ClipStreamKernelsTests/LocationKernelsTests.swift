import ClipStreamKernels
import Foundation
import TestSupport
import Testing

/// Random kernel inputs with scales over several decades, as telemetry has.
private func fixture(dimension d: Int, seed: UInt64) -> (x: [Float], theta: [Float], scale: [Float]) {
    var rng = TestRandomGenerator(seed: seed)
    let scale = (0..<d).map { _ in Float(pow(10, rng.nextUnit() * 4 - 2)) }
    let theta = (0..<d).map { j in Float(rng.nextUnit() * 10 - 5) * scale[j] }
    let x = (0..<d).map { j in theta[j] + Float(rng.nextUnit() * 6 - 3) * scale[j] }
    return (x, theta, scale)
}

@Suite("Location kernels against the scalar reference")
struct LocationKernelsTests {
    static let dimensions = [1, 7, 8, 16, 17, 33, 100, 1024]

    @Test(arguments: dimensions, KernelStrategy.allCases)
    func standardizedResidualMatchesReference(dimension d: Int, strategy: KernelStrategy) {
        let (x, theta, scale) = fixture(dimension: d, seed: UInt64(d))
        let reference = Reference.standardizedResidual(x: x, theta: theta, scale: scale)
        var z = [Float](repeating: .nan, count: d)
        let sum = z.withUnsafeMutableBufferPointer { out in
            LocationKernels.standardizedResidual(
                x: x, theta: theta, scale: scale, into: out.baseAddress!, count: d, strategy: strategy)
        }
        // Float arithmetic: one subtraction and one division per element (<= 2 ulps each)
        // relative to the float64 oracle; the sum adds about d * 2^-24 relative error.
        for j in 0..<d {
            #expect(isClose(Double(z[j]), reference.z[j], relative: 4e-7, absolute: 1e-6))
        }
        #expect(isClose(Double(sum), reference.squaredNorm, relative: 1e-6 * Double(max(d, 8))))
    }

    @Test(arguments: dimensions)
    func squaredNormMatchesBLASAndReference(dimension d: Int) {
        let (x, _, _) = fixture(dimension: d, seed: 99)
        let fused = x.withUnsafeBufferPointer { LocationKernels.squaredNorm($0.baseAddress!, count: d) }
        let blas = x.withUnsafeBufferPointer { BLAS.dot($0.baseAddress!, $0.baseAddress!, count: d) }
        let exact = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(isClose(Double(fused), exact, relative: 1e-6 * Double(max(d, 8))))
        #expect(isClose(Double(blas), exact, relative: 1e-6 * Double(max(d, 8))))
    }

    @Test(arguments: dimensions, KernelStrategy.allCases)
    func clippedUpdateMatchesReference(dimension d: Int, strategy: KernelStrategy) {
        var (_, theta, scale) = fixture(dimension: d, seed: UInt64(d) + 7)
        var rng = TestRandomGenerator(seed: 3)
        let z = (0..<d).map { _ in Float(rng.nextUnit() * 10 - 5) }
        let rates = ScaleStep(rate: 0.05, clip: 3, absoluteFloor: 1e-6, relativeFloor: 1e-3)
        let expected = Reference.clippedUpdate(
            theta: theta, scale: scale, z: z.map(Double.init), step: 0.2, rate: 0.05, clip: 3,
            absoluteFloor: 1e-6, relativeFloor: 1e-3)
        var work = [Float](repeating: 0, count: d)
        theta.withUnsafeMutableBufferPointer { t in
            scale.withUnsafeMutableBufferPointer { s in
                work.withUnsafeMutableBufferPointer { w in
                    LocationKernels.clippedUpdate(
                        theta: t.baseAddress!, scale: s.baseAddress!, z: z, count: d, step: 0.2,
                        rates: rates, strategy: strategy, work: w.baseAddress!)
                }
            }
        }
        for j in 0..<d {
            // A handful of Float roundings per element; the theta budget is relative to the
            // step's size, since theta + step can cancel.
            let stepSize = 0.2 * Double(scale[j]) * 5
            #expect(isClose(Double(theta[j]), expected.theta[j], relative: 1e-6, absolute: stepSize * 1e-6))
            #expect(isClose(Double(scale[j]), expected.scale[j], relative: 1e-6))
        }
    }

    /// A row near `Float`'s largest value against a large scale: `z = (x - theta) / s` is
    /// finite, but `s z` rounds past the largest value. Theta and the scale must stay finite
    /// (they became infinite, and the next row trapped; such a row is absurd, and `RowStep`
    /// moves it in `Double` by the step's share); the other coordinate keeps its arithmetic.
    @Test(arguments: KernelStrategy.allCases)
    func aStepToARowNearTheLargestFloatStaysFinite(strategy: KernelStrategy) {
        let x: [Float] = [.greatestFiniteMagnitude, 1]
        var theta: [Float] = [0, 0]
        var scale: [Float] = [7.2500974e29, 2]
        let z = (0..<2).map { (x[$0] - theta[$0]) / scale[$0] }
        #expect(z[0].isFinite && !(z[0] * scale[0]).isFinite)
        let step: Float = 1e-7
        let rates = ScaleStep(rate: 0.05, clip: 1000, absoluteFloor: 1e-6, relativeFloor: 1e-3)
        var work: [Float] = [0, 0]
        theta.withUnsafeMutableBufferPointer { t in
            scale.withUnsafeMutableBufferPointer { s in
                work.withUnsafeMutableBufferPointer { w in
                    LocationKernels.clippedUpdate(
                        theta: t.baseAddress!, scale: s.baseAddress!, z: z, count: 2, step: step,
                        rates: rates, strategy: strategy, work: w.baseAddress!)
                }
            }
        }
        #expect(theta.allSatisfy(\.isFinite) && scale.allSatisfy(\.isFinite))
        #expect(theta[1] == 0 + step * (2 * z[1]))
    }

    @Test func overflowingRowIsHandledByTheWidePath() {
        let d = 4
        let x: [Float] = [1e30, -3e38, 0, 1]
        let theta: [Float] = [0, 3e38, 0, 1]
        let scale: [Float] = [1e-6, 1, 1, 1]
        var z = [Float](repeating: 0, count: d)
        let fast = z.withUnsafeMutableBufferPointer {
            LocationKernels.standardizedResidual(
                x: x, theta: theta, scale: scale, into: $0.baseAddress!, count: d)
        }
        #expect(fast == .infinity)
        let wide = z.withUnsafeMutableBufferPointer {
            WideKernels.standardizedResidual(
                x: x, theta: theta, scale: scale, direction: $0.baseAddress!, count: d)
        }
        let reference = Reference.standardizedResidual(x: x, theta: theta, scale: scale)
        #expect(wide.isFinite && isClose(wide, reference.squaredNorm, relative: 1e-12))
        let unitNorm = z.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(isClose(unitNorm, 1, relative: 1e-6))
    }

    @Test func clipFactorMatchesReference() {
        #expect(Reference.clipFactor(squaredNorm: 100, threshold: 5) == 0.5)
        #expect(Reference.clipFactor(squaredNorm: 4, threshold: 5) == 1)
        var rng = TestRandomGenerator(seed: 17)
        for _ in 0..<1_000 {
            let squaredNorm = rng.nextUnit() * 1e4
            let threshold = rng.nextUnit() * 100
            let fast = LocationKernels.clipFactor(pull: squaredNorm.squareRoot(), threshold: threshold)
            let reference = Reference.clipFactor(squaredNorm: squaredNorm, threshold: threshold)
            #expect(isClose(fast, reference, relative: 1e-15))
            #expect(fast <= 1 && fast * squaredNorm.squareRoot() <= threshold * (1 + 1e-15) || fast == 1)
        }
    }

    /// The Double path of an overflowing row against the scalar oracle.
    @Test func wideUpdateMatchesReference() {
        let x: [Float] = [1e30, -3e38, 0.5, 2]
        var theta: [Float] = [0, 3e38, 0.25, 1]
        var scale: [Float] = [1e-6, 1, 0.5, 2]
        let (z, squaredNorm) = Reference.standardizedResidual(x: x, theta: theta, scale: scale)
        let step = 0.1 * Reference.clipFactor(squaredNorm: squaredNorm, threshold: 10)
        let expected = Reference.clippedUpdate(
            theta: theta, scale: scale, z: z, step: step, rate: 0.05, clip: 3,
            absoluteFloor: 1e-6, relativeFloor: 1e-3)
        let rates = ScaleStep(rate: 0.05, clip: 3, absoluteFloor: 1e-6, relativeFloor: 1e-3)
        theta.withUnsafeMutableBufferPointer { t in
            scale.withUnsafeMutableBufferPointer { s in
                WideKernels.clippedUpdate(
                    x: x, theta: t.baseAddress!, scale: s.baseAddress!, count: 4, step: step,
                    rates: rates)
            }
        }
        for j in 0..<4 {
            #expect(theta[j].isFinite && scale[j].isFinite)
            // One Float rounding of each result (the oracle keeps float64).
            #expect(isClose(Double(theta[j]), expected.theta[j], relative: 1e-6, absolute: 1e-30))
            #expect(isClose(Double(scale[j]), expected.scale[j], relative: 1e-6))
        }
    }
}
