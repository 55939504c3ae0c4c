import ClipStreamCore
import ClipStreamSynthetic
import Testing

/// Rows corrupted along one fixed direction (a coordinated poisoning) are ignored, not merely
/// clipped: the clip bounds each row's pull, but 30% of them still bias a clipped mean.
@Suite("Redescending influence")
struct RedescendingInfluenceTests {
    /// `d = 20`, Student-t noise, a share of rows moved `5 sqrt(d)` along one unit vector; an
    /// abrupt shift of `10 sqrt(d)` (random direction) at row 10,000. Returns the tracking
    /// error over the last 2,000 rows before the shift and over the last 2,000 rows.
    func run(redescend: Double, corrupted share: Double) -> (beforeShift: Double, end: Double) {
        let d = 20
        var configuration = Configuration(dimension: d)
        configuration.whitening = .off  // ranks only; the subject here is the estimate
        configuration.redescendPullRatio = redescend
        var detector = LocationDetector(configuration: configuration)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 31, degreesOfFreedom: 2.5)
        var mean = noise.vector(dimension: d, scale: 5)
        let direction = noise.vector(dimension: d, scale: 1)
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let push = direction.map { 5 * Double(d).squareRoot() * $0 / norm }
        var before = 0.0
        var end = 0.0
        for t in 0..<20_000 {
            if t == 10_000 {
                let jump = noise.vector(dimension: d, scale: 1)
                let size = jump.reduce(0) { $0 + $1 * $1 }.squareRoot()
                mean = (0..<d).map { mean[$0] + 10 * Double(d).squareRoot() * jump[$0] / size }
            }
            var row = noise.row(mean: mean)
            if t >= 100 && noise.unit() < share { row = (0..<d).map { row[$0] + Float(push[$0]) } }
            _ = detector.process(row: row, slot: slot)
            let error = trackingError(detector.bank.location(slot: slot), mean)
            if (8_000..<10_000).contains(t) { before += error / 2_000 }
            if t >= 18_000 { end += error / 2_000 }
        }
        return (before, end)
    }

    @Test(arguments: [0.1, 0.3])
    func aOneWayPoisoningIsIgnoredAndAShiftStillFollowed(share: Double) {
        let ignored = run(redescend: 4, corrupted: share)
        let clipped = run(redescend: 0, corrupted: share)
        #expect(ignored.beforeShift < 0.05, "\(ignored)")
        // Clipped alone, the poisoning biases the estimate by a large part of its push.
        #expect(clipped.beforeShift > 5 * ignored.beforeShift, "\(clipped) vs \(ignored)")
        // After the shift the key re-anchors on one row and restarts at 1/n, which averages
        // the poisoned rows in again: at 10% it settles back on the clean rows, at 30% on the
        // clipped estimator's biased level (a known limit: the restart is not robust to a
        // third of the rows), never worse than without the redescending influence.
        if share < 0.2 {
            #expect(ignored.end < 0.05, "\(ignored)")
        } else {
            #expect(ignored.end <= clipped.end * 1.05, "\(ignored) vs \(clipped)")
        }
    }

    /// Spikes in a few columns (server telemetry's) keep their clipped step: the estimate
    /// with and without the redescending influence is the same bits.
    @Test func spikesInFewColumnsAreNotIgnored() {
        let d = 12
        func estimate(_ redescend: Double) -> [Float] {
            var configuration = Configuration(dimension: d)
            configuration.whitening = .off  // ranks only; the subject here is the estimate
            configuration.redescendPullRatio = redescend
            var detector = LocationDetector(configuration: configuration)
            let slot = detector.addKey()
            var noise = NoiseStream(seed: 8)
            let mean = noise.vector(dimension: d, scale: 3)
            for t in 0..<5_000 {
                var row = noise.row(mean: mean)
                if t % 50 == 49 { row[t % d] += 40; row[(t + 1) % d] -= 40 }
                _ = detector.process(row: row, slot: slot)
            }
            return detector.bank.location(slot: slot)
        }
        #expect(estimate(4).map(\.bitPattern) == estimate(0).map(\.bitPattern))
    }
}
