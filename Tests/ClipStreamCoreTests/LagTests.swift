import ClipStreamCore
import Testing

/// `lags = L` extends each row with its key's previous `L` rows (a shingle) before the model
/// sees it; the first row of a key stands in for the rows it has not seen.
@Suite("Lagged features")
struct LagTests {
    static func configuration(lags: Int, dimension: Int) -> Configuration {
        var c = Configuration(dimension: dimension)
        c.lags = lags
        c.season = .off  // the lags alone: a narrow key's seasonal reference adds its own score
        return c
    }

    @Test func theWindowHoldsThePreviousRowsMostRecentFirst() {
        var detector = LocationDetector(configuration: Self.configuration(lags: 2, dimension: 2))
        let slot = detector.addKey()
        _ = detector.process(row: [1, 10], slot: slot)
        // The first row fills the whole window.
        #expect(detector.bank.lagWindow(slot: slot) == [1, 10, 1, 10])
        _ = detector.process(row: [2, 20], slot: slot)
        #expect(detector.bank.lagWindow(slot: slot) == [2, 20, 1, 10])
        _ = detector.process(row: [3, 30], slot: slot)
        #expect(detector.bank.lagWindow(slot: slot) == [3, 30, 2, 20])
    }

    /// The lagged model learns exactly as the plain model run on the extended rows (with
    /// re-anchoring and the redescending influence off: those, like alerts and the threshold,
    /// follow the row's own coordinates only).
    @Test func aLaggedDetectorLearnsLikeAPlainOneOnExtendedRows() {
        let dimension = 3
        func configuration(lags: Int, dimension: Int) -> Configuration {
            var c = Self.configuration(lags: lags, dimension: dimension)
            c.restartAfter = 0
            c.redescendPullRatio = 0
            return c
        }
        var lagged = LocationDetector(configuration: configuration(lags: 2, dimension: dimension))
        var plain = LocationDetector(configuration: configuration(lags: 0, dimension: 3 * dimension))
        _ = lagged.addKey()
        _ = plain.addKey()
        var noise = NoiseStream(seed: 5, degreesOfFreedom: 3)
        var history: [[Float]] = []
        for t in 0..<600 {
            let mean = [Double(t % 7), 5, -2]
            let row = t == 300 ? [1e4, 0, 0] : noise.row(mean: mean)
            let previous1 = history.last ?? row
            let previous2 = history.count >= 2 ? history[history.count - 2] : (history.first ?? row)
            history.append(row)
            let a = lagged.process(row: row, slot: 0)
            let b = plain.process(row: row + previous1 + previous2, slot: 0)
            #expect(a.pull == b.pull && a.clipThreshold == b.clipThreshold && a.clipped == b.clipped, "row \(t)")
        }
        #expect(lagged.bank.location(slot: 0) == plain.bank.location(slot: 0))
        #expect(lagged.bank.checkInvariants())
    }

    /// A spike stays in the window for `L` rows: the window's score ranks those rows above
    /// ordinary ones, but only the spike itself alerts (alerting on the window echoed it). So
    /// too for a spike of 1e30, whose window overflows `Float`'s squared norm for 8 rows (on
    /// that path all 8 alerted).
    @Test(arguments: [Float(50), 1e30])
    func aSpikeAlertsOnceAndItsEchoOnlyRanks(height: Float) {
        var detector = LocationDetector(configuration: Self.configuration(lags: 8, dimension: 1))
        _ = detector.addKey()
        var noise = NoiseStream(seed: 8)
        var typical: [Double] = []
        for t in 0..<3000 {
            let result = detector.process(row: noise.row(mean: [20]), slot: 0)
            if t >= 2000 { typical.append(result.score) }
        }
        let spike = detector.process(row: [20 + height], slot: 0)
        #expect(spike.decision == .alert)
        let echo = (0..<8).map { _ in detector.process(row: noise.row(mean: [20]), slot: 0) }
        #expect(echo.allSatisfy { $0.decision != .alert }, "\(echo.map(\.decision))")
        let median = typical.sorted()[typical.count / 2]
        #expect(echo.allSatisfy { $0.score > median }, "\(echo.map(\.score)) against \(median)")
    }

    /// With 20 lags or more, the warm-up's level-shift test counted the rows that fill the lag
    /// window (their lags' scales at their floors, every row far by construction) and started
    /// the key over before the window filled, every L + 1 rows for ever: no decision in 10,000
    /// rows. The key now warms up once and alerts on its spikes.
    @Test(arguments: [20, 32, 64])
    func aLongLagWindowWarmsUpOnce(lags: Int) {
        var detector = LocationDetector(configuration: Self.configuration(lags: lags, dimension: 2))
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 6)
        var restarts = 0
        var spikesAlerted = 0
        for t in 0..<6_000 {
            var row = noise.row(mean: [5, 5])
            let spike = t >= 1_000 && t % 500 == 250
            if spike { row[0] += 12 }
            let result = detector.process(row: row, slot: slot)
            if result.reanchored { restarts += 1 }
            if spike && result.decision == .alert { spikesAlerted += 1 }
        }
        #expect(restarts <= 2, "\(restarts) restarts")
        #expect(spikesAlerted >= 8, "\(spikesAlerted) of 10 spikes alerted")
    }

    @Test func keysKeepSeparateWindows() {
        var detector = LocationDetector(configuration: Self.configuration(lags: 1, dimension: 1))
        let a = detector.addKey()
        let b = detector.addKey()
        _ = detector.process(row: [1], slot: a)
        _ = detector.process(row: [100], slot: b)
        _ = detector.process(row: [2], slot: a)
        #expect(detector.bank.lagWindow(slot: a) == [2])
        #expect(detector.bank.lagWindow(slot: b) == [100])
    }

    @Test func memoryPerKeyCountsTheWindow() {
        let detector = LocationDetector(configuration: Self.configuration(lags: 3, dimension: 5))
        // theta and scale over d = 20 model features, a window of 15 values, 88 bytes of
        // scalars, 180 calibration values (160 bins, 20 block sums) and the whitening's 4
        // scalars and two matrices in panels of 8 rows (widths 8, 16 and 20): 8 * 44 values
        // each; the alert habit's 8 slots (a column and a count each) and its last row.
        #expect(detector.bytesPerKey == 4 * (2 * 20 + 15 + 180 + 4 + 2 * 352 + 18) + 88)
    }

    @Test func featureNamesFollowTheExtendedRow() {
        let c = Self.configuration(lags: 2, dimension: 2)
        #expect(c.modelDimension == 6)
        #expect(c.modelFeatureNames(["cpu", "mem"]) == ["cpu", "mem", "cpu[t-1]", "mem[t-1]", "cpu[t-2]", "mem[t-2]"])
    }

    @Test(arguments: [-1, 65])
    func lagsOutsideTheirRangeAreRejected(lags: Int) {
        #expect(throws: ConfigurationError.self) { try Self.configuration(lags: lags, dimension: 2).validate() }
    }

    @Test func aModelDimensionBeyondTheLimitIsRejected() {
        #expect(throws: ConfigurationError.self) {
            try Self.configuration(lags: 1, dimension: 1 << 24).validate()
        }
    }
}
