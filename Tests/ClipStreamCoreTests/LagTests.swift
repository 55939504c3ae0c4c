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

    /// The lagged model is exactly the plain model run on the extended rows.
    @Test func aLaggedDetectorEqualsAPlainOneOnExtendedRows() {
        let dimension = 3
        var lagged = LocationDetector(configuration: Self.configuration(lags: 2, dimension: dimension))
        var plain = LocationDetector(configuration: Self.configuration(lags: 0, dimension: 3 * dimension))
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
            #expect(a == b, "row \(t)")
        }
        #expect(lagged.bank.location(slot: 0) == plain.bank.location(slot: 0))
        #expect(lagged.bank.checkInvariants())
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
        // scalars and 180 calibration values (160 bins, 20 block sums).
        #expect(detector.bytesPerKey == 4 * (2 * 20 + 15 + 180) + 88)
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
