import ClipStreamCore
import Testing

/// A key's residual whitening: rows that break how the key's columns move together rank above
/// rows that keep it, decisions stay those of the plain score (but for alerts the ranking
/// calls ordinary), and the state round-trips.
@Suite("Residual whitening")
struct ResidualWhiteningTests {
    /// Two columns that move together (the second is the first plus a tenth of its noise).
    static func correlatedRow(_ noise: inout NoiseStream, shift: (Double, Double) = (0, 0)) -> [Float] {
        let common = noise.row(mean: [0])[0]
        let own = noise.row(mean: [0])[0]
        return [common + Float(shift.0), common + 0.1 * own + Float(shift.1)]
    }

    static func warmedUp(_ whitening: Whitening) -> LocationDetector {
        var c = Configuration(dimension: 2)
        c.whitening = whitening
        c.calibratesScores = false
        var detector = LocationDetector(configuration: c)
        _ = detector.addKey()
        var noise = NoiseStream(seed: 31)
        for _ in 0..<3_000 { _ = detector.process(row: correlatedRow(&noise), slot: 0) }
        return detector
    }

    @Test func aRowBreakingTheCorrelationRanksAboveOneOfTheSameSizeThatKeepsIt() {
        var ratios: [Whitening: Double] = [:]
        for whitening in [Whitening.on, .off] {
            var keeping = Self.warmedUp(whitening)
            var breaking = keeping
            // Both rows are 3 scales off in each column: together, or in opposite directions.
            let kept = keeping.process(row: [3, 3], slot: 0)
            let broken = breaking.process(row: [3, -3], slot: 0)
            #expect(abs(kept.pull - broken.pull) < 0.05 * kept.pull, "same plain size")
            ratios[whitening] = broken.score / kept.score
        }
        // The plain score cannot tell them apart; the whitened one ranks the break far higher.
        #expect(abs(ratios[.off, default: 0] - 1) < 0.05, "\(ratios)")
        // With the ridge I: z's variance is about 1.6 per column (its scale holds E|z| at 1), so
        // C + I has about 4.2 along the shared direction and 1 across it, and the whitened
        // scores differ by about sqrt(4.2) (2.03 here). The bar was 3 while the warm-up's
        // unsettled rows inflated C.
        #expect(ratios[.on, default: 0] > 1.7, "\(ratios)")
    }

    @Test func decisionsAndThresholdsAreThoseOfThePlainScore() {
        var results: [Whitening: [RowScore]] = [:]
        for whitening in [Whitening.on, .off] {
            var c = Configuration(dimension: 6)
            c.whitening = whitening
            var detector = LocationDetector(configuration: c)
            _ = detector.addKey()
            var noise = NoiseStream(seed: 8, degreesOfFreedom: 4)
            results[whitening] = (0..<6_000).map { t in
                var row = noise.row(mean: [Double](repeating: t < 3_000 ? 0 : 4, count: 6))
                if t % 251 == 0 { row[t % 6] += 25 }
                return detector.process(row: row, slot: 0)
            }
        }
        let on = results[.on, default: []]
        let off = results[.off, default: []]
        #expect(on.map(\.decision) == off.map(\.decision))
        #expect(on.map(\.pull) == off.map(\.pull))
        #expect(on.contains { $0.decision == .alert })
        // The ranking differs, and an alert never reports a score below its threshold.
        #expect(zip(on, off).contains { $0.score != $1.score })
        for r in on where r.decision == .alert { #expect(r.score >= r.threshold) }
    }

    /// A narrow key (8 lags) that is 0 but for a pair of spikes every 100 rows, labelled
    /// normal (NAB's `art_increase_spike_density`): its covariance and seasonal reference learn
    /// the spikes, so its ranking score calls them ordinary while the plain score still crosses
    /// the threshold. Such alerts are withheld (``RowStep.explainedAlertRatio``): every
    /// decision that differs from `--whiten off` is an alert of the plain score whose ranking
    /// score sat below half its threshold.
    @Test func alertsTheRankingCallsOrdinaryAreWithheld() {
        var results: [Whitening: [RowScore]] = [:]
        for whitening in [Whitening.on, .off] {
            var c = Configuration(dimension: 1)
            c.lags = 8
            c.whitening = whitening
            c.calibratesScores = false
            var detector = LocationDetector(configuration: c)
            _ = detector.addKey()
            results[whitening] = (0..<6_000).map { t in
                detector.process(row: [t % 100 == 1 || t % 100 == 7 ? 20 : 0], slot: 0)
            }
        }
        let on = results[.on, default: []]
        let off = results[.off, default: []]
        let alerts = (on: on.filter { $0.decision == .alert }.count, off: off.filter { $0.decision == .alert }.count)
        #expect(alerts.on > 0 && alerts.on + 10 <= alerts.off, "\(alerts)")
        for (t, (a, b)) in zip(on, off).enumerated() where a.decision != b.decision {
            #expect(b.decision == .alert && a.decision == .normal && a.score < 0.5 * a.threshold, "row \(t)")
        }
        #expect(on.map(\.threshold) == off.map(\.threshold))
    }

    /// A detector of `c` (3 features) with one key that has learned 700 independent rows (its
    /// factor in use since row 256), and the noise to go on with.
    static func threeColumnsPastTheirFirstFactors(_ c: Configuration) -> (LocationDetector, Int, NoiseStream) {
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 2)
        for _ in 0..<700 { _ = detector.process(row: noise.row(mean: [0, 0, 0]), slot: slot) }
        return (detector, slot, noise)
    }

    @Test func snapshotsRestoreExactlyAndBadBlocksAreRefused() throws {
        let c = Configuration(dimension: 3)
        var (detector, slot, noise) = Self.threeColumnsPastTheirFirstFactors(c)
        let snapshot = detector.snapshot(slot: slot)
        #expect(snapshot.isSound(for: c))
        var copy = LocationDetector(configuration: c)
        copy.restore(snapshot, slot: copy.addKey())
        for _ in 0..<200 {
            let row = noise.row(mean: [0, 0, 0])
            #expect(detector.process(row: row, slot: slot) == copy.process(row: row, slot: 0))
        }
        // The factor is in use by now: its first inverse pivot lies in (0, 1].
        let start = c.whiteningBlockOffset
        let layout = try #require(c.whiteningLayout)
        // d = 3: C and W are one panel each, 8 rows by 3 columns; W's (0, 0) is its first value.
        let firstPivot = start + 4 + 24
        #expect(snapshot.values[firstPivot] > 0 && snapshot.values[firstPivot] <= 1)
        #expect(layout.storageCount == 4 + 2 * 24)
        var bad = snapshot
        bad.values[firstPivot] = -0.5
        #expect(!bad.isSound(for: c))
        bad = snapshot
        bad.values[start + 4] = -1  // a negative variance
        #expect(!bad.isSound(for: c))
        bad = snapshot
        bad.values[firstPivot + 8] = 0.5  // W's (0, 1): above the diagonal
        #expect(!bad.isSound(for: c))
        bad = snapshot
        bad.values[firstPivot + 3] = 0.5  // W's (3, 0): a padding row (d = 3)
        #expect(!bad.isSound(for: c))
    }

    /// `C + I` always factors for a covariance the key learned; a state crafted to hold one that
    /// does not (indefinite, yet every variance sound) leaves the key unwhitened (`W` all zero,
    /// the plain ranking) with finite scores, where the factor's pivots would have gone negative.
    @Test func anUnfactorableCovarianceLeavesTheKeyUnwhitened() throws {
        let c = Configuration(dimension: 3)
        var (detector, slot, noise) = Self.threeColumnsPastTheirFirstFactors(c)
        var crafted = detector.snapshot(slot: slot)
        let factor = (c.whiteningBlockOffset + 4 + 24)..<(c.whiteningBlockOffset + 4 + 48)  // W (d = 3)
        #expect(crafted.values[factor].contains { $0 != 0 }, "factored before the damage")
        crafted.values[c.whiteningBlockOffset + 4 + 1] = 50  // C_10 (column 0, row 1), far above sqrt(C_00 C_11)
        #expect(crafted.isSound(for: c))
        var copy = LocationDetector(configuration: c)
        copy.restore(crafted, slot: copy.addKey())
        for _ in 0..<64 {
            let r = copy.process(row: noise.row(mean: [0, 0, 0]), slot: 0)
            #expect(r.score.isFinite)
        }
        #expect(copy.snapshot(slot: 0).values[factor].allSatisfy { $0 == 0 })
    }

    /// Rows just inside Float's range of a squared norm (about 1e19 standardized units) square
    /// to infinity in Float; the whitened score squares in Double and stays finite, and the
    /// key's covariance (each coordinate clipped at 100) is not blinded by them.
    @Test func hugeRowsScoreFiniteAndLeaveTheRankingWorking() {
        var detector = Self.warmedUp(.on)
        for _ in 0..<50 {
            let r = detector.process(row: [3e18, -3e18], slot: 0)
            #expect(r.score.isFinite && r.score > 1e10, "\(r.score)")
        }
        var noise = NoiseStream(seed: 99)
        for _ in 0..<3_000 { _ = detector.process(row: Self.correlatedRow(&noise), slot: 0) }
        var keeping = detector
        let kept = keeping.process(row: [3, 3], slot: 0)
        let broken = detector.process(row: [3, -3], slot: 0)
        #expect(kept.score.isFinite && broken.score > 1.7 * kept.score, "\(kept.score) \(broken.score)")
    }

    @Test func automaticCoversModelsOfTwoTo64FeaturesAndOnIsChecked() {
        #expect(Configuration(dimension: 38).effectiveWhitening == .on)
        #expect(Configuration(dimension: 65).effectiveWhitening == .off)
        #expect(Configuration(dimension: 1).effectiveWhitening == .off)
        var lagged = Configuration(dimension: 1)
        lagged.lags = 8
        #expect(lagged.effectiveWhitening == .on)  // 9 model features: the row and 8 lags
        var c = Configuration(dimension: 300)
        c.whitening = .on
        #expect(throws: ConfigurationError.self) { try c.validate() }
        c = Configuration(dimension: 4)
        c.whitening = .on
        c.model = .linear(target: 0)
        #expect(throws: ConfigurationError.self) { try c.validate() }
        #expect(c.effectiveWhitening == .off)
    }
}
