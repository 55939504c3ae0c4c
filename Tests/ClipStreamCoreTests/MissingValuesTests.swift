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

    /// A key's first two rows set its estimate and scales: one with a missing cell before then
    /// is withheld and not learned, and the key starts on its first complete rows.
    @Test func aKeyStartsOnItsFirstCompleteRows() {
        var imputing = LocationDetector(configuration: Self.configuration(imputes: true))
        var plain = LocationDetector(configuration: Self.configuration(imputes: false))
        let a = imputing.addKey()
        let b = plain.addKey()
        var noise = NoiseStream(seed: 6)
        var first = noise.row(mean: Array(repeating: 0, count: 8))
        first[0] = .nan
        let skipped = imputing.process(row: first, slot: a)
        #expect(skipped.decision == .withheld && skipped.score == 0 && skipped.imputedValues == 0)
        #expect(imputing.snapshot(slot: a).state.rowCount == 0)
        for t in 0..<300 {
            let row = noise.row(mean: Array(repeating: 0, count: 8))
            #expect(imputing.process(row: row, slot: a) == plain.process(row: row, slot: b), "row \(t)")
            if t == 0 {
                var second = row
                second[7] = .nan
                _ = imputing.process(row: second, slot: a)
                #expect(imputing.snapshot(slot: a).state.rowCount == 1)
            }
        }
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
