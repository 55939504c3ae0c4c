import ClipStreamCore
import TestSupport
import Foundation
import Testing

/// The calibrated score is `log10((N + 1) / (A + 1/2))`, `A` the history's mass above the raw
/// score, extended beyond the history's top; the map is monotone and comparable across keys.
@Suite("Score calibration")
struct ScoreCalibrationTests {
    /// A key's calibration state built from `values`, in order.
    static func history(_ values: [Double]) -> (histogram: [Float], state: KeyState) {
        var histogram = [Float](repeating: 0, count: ScoreCalibration.storageCount)
        var state = KeyState()
        let calibration = ScoreCalibration()
        histogram.withUnsafeMutableBufferPointer { h in
            for v in values { calibration.learn(v, histogram: h.baseAddress!, state: &state) }
        }
        return (histogram, state)
    }

    static func calibrated(_ raw: Double, _ history: (histogram: [Float], state: KeyState)) -> Double {
        history.histogram.withUnsafeBufferPointer {
            ScoreCalibration().calibrated(raw, histogram: $0.baseAddress!, state: history.state)
        }
    }

    @Test func anEmptyHistoryGivesZero() {
        #expect(Self.calibrated(5, Self.history([])) == 0)
    }

    /// A key that never varied learned no history (its idle rows are not learned): its first
    /// change alerted at score 0.0 and threshold 0.0, tied with every idle row. It now scores
    /// beyond an empty history, above its threshold and every idle row.
    @Test func theFirstChangeOfAnIdleKeyScoresAboveItsThreshold() {
        var detector = LocationDetector(configuration: Configuration(dimension: 3))
        let slot = detector.addKey()
        var idle = RowScore.empty
        for _ in 0..<2_000 { idle = detector.process(row: [5, 5, 5], slot: slot) }
        #expect(idle.score == 0 && idle.threshold == 0)
        let change = detector.process(row: [50, 5, 5], slot: slot)
        #expect(change.decision == .alert)
        #expect(change.score > change.threshold && change.threshold > idle.score, "\(change)")
    }

    /// Values a factor 4 apart sit in separate bins with empty bins between them, so a query
    /// in an empty bin counts exactly the values above it (up to the slow decay: 1,000 rows of
    /// a 100,000-row memory weigh the newest 1% more than the oldest).
    @Test func theScoreIsTheLog10OddsOfTheMassAbove() {
        let counts: [(value: Double, count: Int)] = [(1, 400), (4, 300), (16, 200), (64, 100)]
        // Interleaved, so the decay weighs every value alike on average.
        var values: [Double] = []
        for i in 0..<400 {
            for (value, count) in counts where i < count { values.append(value) }
        }
        let history = Self.history(values)
        for (query, above) in [(2.0, 600.0), (8.0, 300.0), (32.0, 100.0), (0.5, 1000.0)] {
            let expected = log10(1001 / (above + 0.5))
            let got = Self.calibrated(query, history)
            #expect(abs(got - expected) < 0.01, "query \(query): \(got) vs \(expected)")
        }
    }

    @Test func theMapIsMonotoneAndUnboundedAbove() {
        var generator = TestRandomGenerator(seed: 9)
        let values = (0..<5_000).map { _ in Double.random(in: 0...1, using: &generator) * 50 + 0.3 }
        let history = Self.history(values)
        var previous = -Double.infinity
        var raw = 1e-4
        while raw < 1e7 {
            let c = Self.calibrated(raw, history)
            #expect(c >= previous, "not monotone at \(raw)")
            #expect(c.isFinite)
            previous = c
            raw *= 1.05
        }
        // Beyond the top of the history each factor of 10 adds about 1.
        let far = Self.calibrated(1e6, history)
        let farther = Self.calibrated(1e7, history)
        #expect(abs((farther - far) - 1) < 0.1, "\(far) -> \(farther)")
        #expect(far > Self.calibrated(60, history))
    }

    /// Rescaling the weights (every few million rows) leaves the calibrated values unchanged.
    @Test func rescalingKeepsTheScores() {
        var history = Self.history((0..<2_000).map { Double($0 % 50) + 0.5 })
        history.state.calibrationWeight *= 9.99e29
        history.state.calibrationMass *= 9.99e29
        for j in history.histogram.indices { history.histogram[j] *= 9.99e29 }
        let before = [1.0, 10, 30, 100].map { Self.calibrated($0, history) }
        let calibration = ScoreCalibration()
        history.histogram.withUnsafeMutableBufferPointer { h in
            calibration.learn(1e-9, histogram: h.baseAddress!, state: &history.state)
        }
        #expect(history.state.calibrationWeight < 2)
        let after = [1.0, 10, 30, 100].map { Self.calibrated($0, history) }
        for (a, b) in zip(before, after) { #expect(abs(a - b) < 1e-3, "\(a) vs \(b)") }
    }

    /// One threshold for a fleet: a 1-in-100 row scores about 2 on a Gaussian key and on a
    /// heavy-tailed one alike, although their raw scores differ.
    @Test func scoresAreComparableAcrossKeys() {
        func upperPercentile(degreesOfFreedom: Double, calibrated: Bool) -> Double {
            var c = Configuration(dimension: 4)
            c.whitening = .off  // the plain score's calibrated percentiles
            c.calibratesScores = calibrated
            var detector = LocationDetector(configuration: c)
            _ = detector.addKey()
            var noise = NoiseStream(seed: 3, degreesOfFreedom: degreesOfFreedom)
            var scores: [Double] = []
            for t in 0..<60_000 {
                let score = detector.process(row: noise.row(mean: [0, 0, 0, 0]), slot: 0).score
                if t >= 20_000 { scores.append(score) }
            }
            return scores.sorted()[39_600]
        }
        let gaussian = upperPercentile(degreesOfFreedom: .infinity, calibrated: true)
        let heavy = upperPercentile(degreesOfFreedom: 2.5, calibrated: true)
        // About 2 (log10 of 100); measured 1.93 and 1.99 (the interpolation within a bin
        // overstates the mass above a point where the density falls fast, a light tail).
        #expect(abs(gaussian - 2) < 0.15, "\(gaussian)")
        #expect(abs(heavy - 2) < 0.15, "\(heavy)")
        #expect(abs(heavy - gaussian) < 0.15, "\(gaussian) vs \(heavy)")
        // The raw scores' 99th percentiles differ by far more.
        let rawGaussian = upperPercentile(degreesOfFreedom: .infinity, calibrated: false)
        let rawHeavy = upperPercentile(degreesOfFreedom: 2.5, calibrated: false)
        #expect(rawHeavy > 1.3 * rawGaussian, "\(rawGaussian) vs \(rawHeavy)")
    }

    /// Calibration changes what is reported, not what is decided, and the reported score and
    /// threshold agree with every alert.
    @Test func decisionsAreThoseOfTheRawScore() {
        func run(calibrated: Bool) -> [RowScore] {
            var c = Configuration(dimension: 3)
            c.calibratesScores = calibrated
            var detector = LocationDetector(configuration: c)
            _ = detector.addKey()
            var noise = NoiseStream(seed: 4, degreesOfFreedom: 3)
            return (0..<5_000).map { t in
                let mean: [Double] = t < 2_500 ? [0, 0, 0] : [6, 6, 6]
                let row = t % 397 == 0 ? [40, 0, 0] : noise.row(mean: mean)
                return detector.process(row: row, slot: 0)
            }
        }
        let raw = run(calibrated: false)
        let calibrated = run(calibrated: true)
        #expect(raw.map(\.decision) == calibrated.map(\.decision))
        #expect(calibrated.contains { $0.decision == .alert })
        // Monotone, not strictly: two raw values in one empty bin map to the same value.
        for r in calibrated where r.decision == .alert { #expect(r.score >= r.threshold) }
    }
}
