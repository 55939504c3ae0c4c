import ClipStreamCore
import Testing

/// The reported score is `max(instant, 1.3 sustained)`: the instant score is the root mean
/// square of the standardized residual (`pull / sqrt d`), the sustained score an exponential
/// moving average of the instant score clipped at 4 thresholds.
@Suite("Instant and sustained score")
struct SustainedScoreTests {
    static let dimension = 4

    /// A key warmed up on 2,000 seeded Gaussian rows around 0, with re-anchoring off.
    static func warmedUp(smoothing: Double) -> (LocationDetector, NoiseStream) {
        var c = Configuration(dimension: dimension)
        c.whitening = .off  // the plain score's mechanics
        c.restartAfter = 0
        c.scoreSmoothing = smoothing
        c.calibratesScores = false  // the raw score's mechanics
        var detector = LocationDetector(configuration: c)
        _ = detector.addKey()
        var noise = NoiseStream(seed: 21)
        for _ in 0..<2_000 { _ = detector.process(row: noise.row(mean: [0, 0, 0, 0]), slot: 0) }
        return (detector, noise)
    }

    @Test func aTypicalRowScoresItsRootMeanSquareResidual() {
        var (detector, noise) = Self.warmedUp(smoothing: 1)
        var scores: [Double] = []
        for _ in 0..<2_000 {
            let result = detector.process(row: noise.row(mean: [0, 0, 0, 0]), slot: 0)
            // With smoothing 1 the score is the instant score exactly.
            #expect(result.score == result.pull / Double(Self.dimension).squareRoot())
            scores.append(result.score)
        }
        // E|z_j| is held near 1, so the mean instant score of Gaussian rows is near
        // E sqrt(mean z^2) for z = N(0, pi/2): about 1.2.
        let mean = scores.reduce(0, +) / Double(scores.count)
        #expect(mean > 1.0 && mean < 1.4, "mean score \(mean)")
    }

    @Test func aSpikeKeepsItsFullHeightAndLeavesNoTail() {
        var (detector, noise) = Self.warmedUp(smoothing: 0.1)
        let spike = detector.process(row: [1e6, 1e6, 1e6, 1e6], slot: 0)
        let instant = spike.pull / Double(Self.dimension).squareRoot()
        #expect(spike.score == instant)
        #expect(spike.score > 1e5)
        // The sustained score took in at most 0.1 * 4 thresholds from the spike, so the next
        // row's score stays below 1.3 times that plus the resting level (about 1.2).
        let next = detector.process(row: noise.row(mean: [0, 0, 0, 0]), slot: 0)
        #expect(next.score < 1.3 * (0.4 * next.threshold + 1.5))
        #expect(next.score < spike.score / 1_000)
    }

    @Test func aRunOfModerateRowsRaisesTheScoreAboveTheInstantScore() {
        var (detector, noise) = Self.warmedUp(smoothing: 0.1)
        // 30 rows shifted by 1.5 in every coordinate: the sustained score climbs over the run,
        // so late in the run a row scores above its own instant score, which never happens
        // on the resting stream (the sustained score sits near the mean instant score there).
        var lifted = 0
        for i in 0..<30 {
            let result = detector.process(row: noise.row(mean: [1.5, 1.5, 1.5, 1.5]), slot: 0)
            let instant = result.pull / Double(Self.dimension).squareRoot()
            #expect(result.score >= instant)
            if i >= 10 && result.score > instant { lifted += 1 }
        }
        #expect(lifted >= 3, "rows lifted by the sustained score: \(lifted)")
    }

    @Test func aLongRunScoresAboutThePersistenceWeightAboveItsInstantScores() {
        var (detector, noise) = Self.warmedUp(smoothing: 0.1)
        // A steady shift: after some 50 rows the sustained score sits at the run's mean instant
        // score, and the reported score at 1.3 times it for most rows (at weight 1 the mean
        // score would be within a few percent of the mean instant score).
        var scores = 0.0
        var instants = 0.0
        for i in 0..<200 {
            let result = detector.process(row: noise.row(mean: [2, 2, 2, 2]), slot: 0)
            guard i >= 100 else { continue }
            scores += result.score
            instants += result.pull / Double(Self.dimension).squareRoot()
        }
        let ratio = scores / instants
        #expect(ratio > 1.25 && ratio < 1.45, "mean score / mean instant score: \(ratio)")
    }

    @Test func smoothingOutsideItsRangeIsRejected() {
        var c = Configuration(dimension: 2)
        c.scoreSmoothing = 0
        #expect(throws: ConfigurationError.self) { try c.validate() }
        c.scoreSmoothing = 1.5
        #expect(throws: ConfigurationError.self) { try c.validate() }
        c.scoreSmoothing = 1
        #expect(throws: Never.self) { try c.validate() }
    }
}
