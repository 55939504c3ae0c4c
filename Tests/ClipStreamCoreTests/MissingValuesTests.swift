@testable import ClipStreamCore
import Testing

/// Missing values (``MissingCells``): a NaN cell takes the key's estimate, adds nothing to the
/// score and leaves the column's estimate and scale as they were.
struct MissingValuesTests {
    static func configuration(imputes: Bool) -> Configuration {
        var c = Configuration(dimension: 8)
        c.imputesMissing = imputes
        return c
    }

    @Test func aMissingCellScoresAsTheEstimateAndKeepsItsScale() throws {
        var imputing = LocationDetector(configuration: Self.configuration(imputes: true))
        var plain = LocationDetector(configuration: Self.configuration(imputes: false))
        let a = imputing.addKey()
        let b = plain.addKey()
        var noise = NoiseStream(seed: 4)
        for _ in 0..<2_000 {
            let row = noise.row(mean: Array(repeating: 0, count: 8))
            #expect(imputing.process(row: row, slot: a) == plain.process(row: row, slot: b))
        }
        var row = noise.row(mean: Array(repeating: 0, count: 8))
        row[5] += 6
        let before = imputing.snapshot(slot: a)
        var missing = row
        missing[3] = .nan
        // The plain detector gets the estimate itself in that cell: the same score.
        row[3] = before.values[3]
        let imputed = imputing.process(row: missing, slot: a)
        let filled = plain.process(row: row, slot: b)
        #expect(imputed.score == filled.score && imputed.decision == filled.decision)
        #expect(imputed.imputedValues == 1 && filled.imputedValues == 0)
        let after = imputing.snapshot(slot: a)
        // Column 3 (theta at 3, its scale at 8 + 3) is as it was; the filled twin shrank the scale.
        #expect(after.values[3] == before.values[3] && after.values[11] == before.values[11])
        #expect(plain.snapshot(slot: b).values[11] < before.values[11])
        #expect(after.values[5] != before.values[5], "the other columns learn")
        #expect(after.state.rowCount == before.state.rowCount + 1)
    }

    @Test func aRowWithNothingButMissingCellsChangesNoScale() {
        var detector = LocationDetector(configuration: Self.configuration(imputes: true))
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 5)
        for _ in 0..<500 { _ = detector.process(row: noise.row(mean: Array(repeating: 0, count: 8)), slot: slot) }
        let before = detector.snapshot(slot: slot)
        let result = detector.process(row: Array(repeating: .nan, count: 8), slot: slot)
        let after = detector.snapshot(slot: slot)
        #expect(result.score.isFinite && result.imputedValues == 8 && result.decision != .alert)
        #expect(after.values[0..<16] == before.values[0..<16])
        #expect(after.isSound(for: Self.configuration(imputes: true)))
    }

    /// Alerts at the spike rows of one key of 6 Gaussian columns whose level jumps by 50 at row
    /// 2,000, with spikes of 12 in column 0 every 200 rows from row 3,000; `blank(t)` says
    /// which rows lose which column.
    static func spikeAlerts(blank: (Int) -> Int?) -> (alerts: Int, reanchoredAt: [Int]) {
        var detector = LocationDetector(configuration: {
            var c = Configuration(dimension: 6)
            c.imputesMissing = true
            c.repeatMuting = .off
            return c
        }())
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 11)
        var alerts = 0
        var reanchored: [Int] = []
        for t in 0..<6_000 {
            var row = noise.row(mean: Array(repeating: t >= 2_000 ? 50 : 0, count: 6))
            let spike = t >= 3_000 && t % 200 == 0
            if spike { row[0] += 12 }
            if let column = blank(t) { row[column] = .nan }
            let result = detector.process(row: row, slot: slot)
            if result.reanchored { reanchored.append(t) }
            if spike && result.decision == .alert { alerts += 1 }
        }
        return (alerts, reanchored)
    }

    /// A column missing on the row a key re-anchors on kept its old level and took the jump as
    /// its scale: blind to every later spike (0 of 15 alerted). The key waits for a complete row.
    @Test func aMissingCellDoesNotBlindAColumnAtARegimeChange() throws {
        let complete = Self.spikeAlerts { _ in nil }
        #expect(complete.alerts == 15)
        let shift = try #require(complete.reanchoredAt.first { $0 >= 2_000 })
        #expect(Self.spikeAlerts { $0 == shift ? 0 : nil }.alerts == 15)
        // A column that is never reported starts as a constant and blocks nothing.
        #expect(Self.spikeAlerts { _ in 5 }.alerts == 15)
    }

    /// A missing cell in a key's first rows starts its column as a constant at the estimate;
    /// every value stays finite and the key learns from its first row on.
    @Test func aKeyStartsOnIncompleteRows() {
        var detector = LocationDetector(configuration: Self.configuration(imputes: true))
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 6)
        for t in 0..<400 {
            var row = noise.row(mean: Array(repeating: 3, count: 8))
            if t < 2 { row[t] = .nan }
            let result = detector.process(row: row, slot: slot)
            #expect(result.score.isFinite && result.threshold.isFinite, "row \(t)")
            if t < 2 { #expect(result.imputedValues == 1) }
        }
        let snapshot = detector.snapshot(slot: slot)
        #expect(snapshot.state.rowCount == 400)
        #expect(snapshot.isSound(for: Self.configuration(imputes: true)))
        // The columns started at 0 have moved to their values in the warm-up.
        #expect(abs(snapshot.values[0] - 3) < 0.5 && abs(snapshot.values[1] - 3) < 0.5)
    }

    @Test func onlyModelsWithoutLagsOrASeasonalReferenceImpute() {
        #expect(throws: Never.self) { try Self.configuration(imputes: true).validate() }
        var lagged = Self.configuration(imputes: true)
        lagged.lags = 2
        #expect(throws: ConfigurationError.self) { try lagged.validate() }
        var seasonal = Self.configuration(imputes: true)
        seasonal.season = .period(24)
        #expect(throws: ConfigurationError.self) { try seasonal.validate() }
        // A narrow input keeps a seasonal reference under `auto`.
        var narrow = Configuration(dimension: 2)
        narrow.imputesMissing = true
        #expect(throws: ConfigurationError.self) { try narrow.validate() }
        narrow.season = .off
        #expect(throws: Never.self) { try narrow.validate() }
        var regression = Self.configuration(imputes: true)
        regression.model = .linear(target: 0)
        #expect(throws: ConfigurationError.self) { try regression.validate() }
    }
}
