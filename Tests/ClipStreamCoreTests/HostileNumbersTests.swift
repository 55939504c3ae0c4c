import ClipStreamCore
import Testing

/// Valid but hostile numbers: the state stays finite, every score is finite, and once the
/// hostile part is over a stretch of normal rows scores as it does in a run that never saw it.
@Suite("Hostile numbers on valid rows")
struct HostileNumbersTests {
    static let dimension = 4

    enum Pattern: String, CaseIterable, Sendable {
        case plus1e38, minus1e38, nearFloatMax, subnormals, constantThenJump, identicalRows, alternatingMagnitudes
        case sustainedBurst

        /// The hostile rows; `noise` gives normal rows around 0 for the columns left alone.
        func rows(_ noise: inout NoiseStream) -> [[Float]] {
            let d = HostileNumbersTests.dimension
            switch self {
            case .plus1e38: return Array(repeating: [Float](repeating: 1e38, count: d), count: 50)
            case .minus1e38: return Array(repeating: [Float](repeating: -1e38, count: d), count: 50)
            case .nearFloatMax: return (0..<50).map { i in [Float](repeating: i % 2 == 0 ? 3.4e38 : -3.4e38, count: d) }
            case .subnormals: return (0..<300).map { i in [Float](repeating: Float(i % 3) * 1e-42, count: d) }
            case .constantThenJump:
                // Column 0 constant for 100,000 rows, then 1e6 higher for good.
                return (0..<100_000).map { _ in [5] + noise.row(mean: [0, 0, 0]) }
                    + (0..<300).map { _ in [1_000_005] + noise.row(mean: [0, 0, 0]) }
            case .identicalRows: return Array(repeating: [1, 2, 3, 4], count: 100_000)
            case .alternatingMagnitudes:
                return (0..<2_000).map { i in [Float](repeating: i % 2 == 0 ? 1e30 : 1e-30, count: d) }
            case .sustainedBurst:
                // 300 rows near 10^5 (10% noise): the key re-anchors there and back.
                return (0..<300).map { _ in noise.row(mean: [0, 0, 0, 0]).map { 1e5 * (1 + 0.1 * $0) } }
            }
        }

        /// The level of column 0 after the pattern (the jump moves it for good).
        var levelAfter: Double { self == .constantThenJump ? 1_000_005 : 0 }
    }

    /// Raw scores and alerts of `tail` normal rows after warm-up, the hostile rows (if any) and
    /// `recovery` normal rows; checks every (calibrated and raw) score and the state on the way.
    ///
    /// The comparison is on the raw score: the calibrated one is relative to the key's last
    /// 100,000 rows, so after 100,000 idle rows ordinary variation rightly stays surprising
    /// until that history turns over.
    static func tailScores(_ pattern: Pattern?, recovery: Int = 4_000, tail: Int = 2_000) -> (scores: [Double], alerts: Int) {
        var configuration = Configuration(dimension: dimension)
        configuration.calibratesScores = false
        var detector = LocationDetector(configuration: configuration)
        _ = detector.addKey()
        var noise = NoiseStream(seed: 17)
        var rows = (0..<2_000).map { _ in noise.row(mean: [0, 0, 0, 0]) }
        if let pattern { rows += pattern.rows(&noise) }
        let level = pattern?.levelAfter ?? 0
        rows += (0..<(recovery + tail)).map { _ in noise.row(mean: [level, 0, 0, 0]) }
        var scores: [Double] = []
        var alerts = 0
        for (i, row) in rows.enumerated() {
            let result = detector.process(row: row, slot: 0)
            #expect(result.score.isFinite && result.threshold.isFinite, "row \(i)")
            if i >= rows.count - tail {
                scores.append(result.score)
                if result.decision == .alert { alerts += 1 }
            }
        }
        #expect(detector.bank.checkInvariants())
        return (scores.sorted(), alerts)
    }

    @Test(arguments: Pattern.allCases)
    func normalRowsScoreAsBeforeAfterTheHostilePart(pattern: Pattern) {
        let control = Self.tailScores(nil)
        let after = Self.tailScores(pattern)
        // The median and the 90th percentile of the score match the control run's, and the
        // key raises no alert storm.
        let median = after.scores[1_000] / control.scores[1_000]
        let p90 = after.scores[1_800] / control.scores[1_800]
        #expect(abs(median - 1) < 0.2, "\(pattern) median ratio \(median)")
        #expect(abs(p90 - 1) < 0.25, "\(pattern) p90 ratio \(p90)")
        #expect(after.alerts <= 10, "\(pattern) \(after.alerts) alerts")
    }

    /// Three rows of `Float`'s largest value, 240 zeros, then that value again (a fuzzer's
    /// find): the absurd start left a scale of 7e29, against which the later row's `s z`
    /// rounded to infinity; theta and the scale became infinite and the next row trapped,
    /// losing every row of its batch. Narrow defaults and the plain model alike.
    @Test(arguments: [0, 8])
    func aRowOfTheLargestFloatAfterAnAbsurdStartKeepsTheStateFinite(lags: Int) {
        var configuration = Configuration(dimension: 1)
        configuration.lags = lags
        configuration.season = lags > 0 ? .automatic : .off
        var detector = LocationDetector(configuration: configuration)
        let slot = detector.addKey()
        let largest = Float.greatestFiniteMagnitude
        let rows = [largest, largest, largest] + [Float](repeating: 0, count: 240) + [largest, largest, -largest, 0, 1]
        for (i, x) in rows.enumerated() {
            let result = detector.process(row: [x], slot: slot)
            #expect(result.score.isFinite && result.threshold.isFinite, "row \(i)")
        }
        #expect(detector.bank.checkInvariants())
        #expect(detector.snapshot(slot: slot).isSound(for: configuration))
        // The row moved the estimate by the step's share of the way, not to the bound.
        #expect(abs(detector.snapshot(slot: slot).values[0]) < 1e36)
    }
}
