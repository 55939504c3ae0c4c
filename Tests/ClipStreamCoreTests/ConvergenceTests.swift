import ClipStreamCore
import Foundation
import Testing

@Suite("Estimation accuracy of clipped SGD")
struct ConvergenceTests {
    /// Stationary Gaussian rows: at the floor rate eta the estimate is an exponentially weighted
    /// mean with per-coordinate variance eta / (2 - eta) sigma^2; allow 5 standard deviations.
    @Test(arguments: [4, 32, 256])
    func gaussianStreamConvergesToTheMean(dimension d: Int) {
        let configuration = Configuration.pureSGD(dimension: d, horizon: 1024)
        var detector = LocationDetector(configuration: configuration)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: UInt64(d))
        let mean = noise.vector(dimension: d, scale: 10)
        for _ in 0..<20_000 { _ = detector.process(row: noise.row(mean: mean), slot: slot) }
        let eta = LearningRateSchedule(configuration).floorRate
        let tolerance = 5 * (eta / (2 - eta)).squareRoot()
        #expect(trackingError(detector.bank.location(slot: slot), mean) < tolerance)
    }

    /// Student-t (df 2.5) noise with 5% of rows replaced by huge corruptions (1e3 to 1e6 times
    /// the noise norm, random direction): clipping keeps the error at the noise level, plain SGD
    /// at the same rate is dragged by every corruption.
    @Test func clippedBeatsUnclippedUnderHeavyTailsAndCorruption() {
        let d = 10
        func run(clipMultiplier: Double) -> Double {
            var configuration = Configuration.pureSGD(dimension: d, horizon: 1024)
            configuration.clipMultiplier = clipMultiplier
            var detector = LocationDetector(configuration: configuration)
            let slot = detector.addKey()
            var noise = NoiseStream(seed: 5, degreesOfFreedom: 2.5)
            let mean = noise.vector(dimension: d, scale: 5)
            var errorSum = 0.0
            let rows = 20_000
            for t in 0..<rows {
                var row = noise.row(mean: mean)
                if t >= 100 && noise.unit() < 0.05 {
                    let magnitude = pow(10, 3 + 3 * noise.unit()) * Double(d).squareRoot()
                    let direction = noise.vector(dimension: d, scale: 1)
                    let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    row = (0..<d).map { Float(mean[$0] + magnitude * direction[$0] / norm) }
                }
                _ = detector.process(row: row, slot: slot)
                if t >= rows / 2 { errorSum += trackingError(detector.bank.location(slot: slot), mean) }
            }
            return errorSum / Double(rows / 2)
        }
        let clipped = run(clipMultiplier: 2)
        let unclipped = run(clipMultiplier: 1e30)
        #expect(clipped < 0.25)
        #expect(unclipped > 5 * clipped)
    }
}
