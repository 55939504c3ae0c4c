import Testing

@testable import ClipStreamSynthetic

/// Moment checks with tolerances derived from the sampling distribution of each statistic.
struct DistributionsTests {
    /// Sample mean and (population-normalized) variance of `count` draws.
    static func moments(count: Int, _ draw: () -> Double) -> (mean: Double, variance: Double) {
        var sum = 0.0
        var sumSquares = 0.0
        for _ in 0..<count {
            let x = draw()
            sum += x
            sumSquares += x * x
        }
        let mean = sum / Double(count)
        return (mean, sumSquares / Double(count) - mean * mean)
    }

    @Test func standardNormalMoments() {
        // N = 200_000: sd(mean) = 1/sqrt(N) = 0.00224, sd(variance) = sqrt(2/N) = 0.00316.
        // Budget 5 sd: 0.0112 and 0.0158 (false-failure odds below 1e-6 for a fresh seed).
        var g = SeededGenerator(seed: 11)
        let n = 200_000
        let (mean, variance) = Self.moments(count: n) { Distributions.standardNormal(using: &g) }
        #expect(abs(mean) < 5 / Double(n).squareRoot())
        #expect(abs(variance - 1) < 5 * (2 / Double(n)).squareRoot())
    }

    @Test func studentTHasUnitVarianceAndHeavyTails() {
        // Unit-variance t(5): E[X^4] = 3 (df - 2) / (df - 4) = 9, so Var(X^2) = 8 and the sample
        // variance has sd sqrt(8/N) = 0.0045 for N = 400_000. The sixth moment is infinite, so
        // the normal approximation is unreliable; Chebyshev needs only Var(X^2): 10 sd fail with
        // probability below 1%, whatever the shape. Budget 10 sd = 0.045.
        var g = SeededGenerator(seed: 5)
        let n = 400_000
        var beyondThree = 0
        let (mean, variance) = Self.moments(count: n) {
            let x = Distributions.studentT(degreesOfFreedom: 5, using: &g)
            if abs(x) > 3 { beyondThree += 1 }
            return x
        }
        #expect(abs(mean) < 10 / Double(n).squareRoot())
        #expect(abs(variance - 1) < 10 * (8 / Double(n)).squareRoot())
        // P(|X| > 3) is 0.0117 for unit-variance t(5) (|T5| > 3.873) against 0.0027 for a normal:
        // more than 0.006 separates them by over 20 binomial sd at this N.
        #expect(Double(beyondThree) / Double(n) > 0.006)
    }

    @Test func studentTWithInfiniteDegreesOfFreedomIsTheNormal() {
        var a = SeededGenerator(seed: 3)
        var b = SeededGenerator(seed: 3)
        for _ in 0..<100 {
            #expect(
                Distributions.studentT(degreesOfFreedom: .infinity, using: &a)
                    == Distributions.standardNormal(using: &b))
        }
    }

    @Test(arguments: [0.5, 1, 2.5, 10])
    func gammaMeanEqualsShape(shape: Double) {
        // Gamma(k, 1) has mean and variance k: sd(mean) = sqrt(k/N); budget 5 sd.
        var g = SeededGenerator(seed: 17)
        let n = 100_000
        let (mean, _) = Self.moments(count: n) { Distributions.gamma(shape: shape, using: &g) }
        #expect(abs(mean - shape) < 5 * (shape / Double(n)).squareRoot())
    }

    @Test(arguments: [1, 2, 7, 32])
    func unitVectorHasUnitNorm(dimension: Int) {
        var g = SeededGenerator(seed: 23)
        for _ in 0..<50 {
            let v = Distributions.unitVector(dimension: dimension, using: &g)
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(v.count == dimension)
            #expect(abs(norm - 1) < 1e-14)
        }
    }

    @Test func uniformAndIndexStayInRange() {
        var g = SeededGenerator(seed: 29)
        var seen = Set<Int>()
        for _ in 0..<10_000 {
            let u = Distributions.uniform(using: &g)
            #expect(u >= 0 && u < 1)
            let i = Distributions.index(below: 7, using: &g)
            #expect((0..<7).contains(i))
            seen.insert(i)
        }
        #expect(seen.count == 7)
    }
}
