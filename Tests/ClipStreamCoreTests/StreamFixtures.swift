import ClipStreamCore
import ClipStreamSynthetic

/// Seeded single-key streams for the estimator's statistical tests.
struct NoiseStream {
    var generator: SeededGenerator
    let degreesOfFreedom: Double

    init(seed: UInt64, degreesOfFreedom: Double = .infinity) {
        generator = SeededGenerator(seed: seed)
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// `mean + noise`, noise unit-variance per coordinate (Gaussian or Student-t).
    mutating func row(mean: [Double]) -> [Float] {
        mean.map { m in
            let e = degreesOfFreedom.isInfinite
                ? Distributions.standardNormal(using: &generator)
                : Distributions.studentT(degreesOfFreedom: degreesOfFreedom, using: &generator)
            return Float(m + e)
        }
    }

    mutating func vector(dimension: Int, scale: Double) -> [Double] {
        (0..<dimension).map { _ in scale * Distributions.standardNormal(using: &generator) }
    }

    mutating func unit() -> Double { Distributions.uniform(using: &generator) }
}

/// `||theta - mean|| / sqrt(d)`: the per-coordinate tracking error.
func trackingError(_ theta: [Float], _ mean: [Double]) -> Double {
    var sum = 0.0
    for j in mean.indices {
        let e = Double(theta[j]) - mean[j]
        sum += e * e
    }
    return (sum / Double(mean.count)).squareRoot()
}

extension Configuration {
    /// The default configuration with re-anchoring, the redescending influence and the
    /// whitening (which only ranks) off: the pure clipped-SGD estimator.
    static func pureSGD(dimension: Int, horizon: Int = 8192) -> Configuration {
        var c = Configuration(dimension: dimension)
        c.restartAfter = 0
        c.redescendPullRatio = 0
        c.whitening = .off
        c.horizon = horizon
        return c
    }
}
