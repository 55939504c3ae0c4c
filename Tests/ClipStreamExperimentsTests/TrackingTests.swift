import ClipStreamCore
import ClipStreamExperiments
import Testing

/// The tracking study's streams and estimators (ALGORITHM.md section 8).
@Suite("Experiments: tracking")
struct TrackingTests {
    @Test func streamsAreSeededAndCorruptTheRequestedShare() {
        let c = TrackingCase(dimension: 8, rows: 20_000, drift: .abrupt, corruption: .huge, seed: 4)
        let a = TrackingStream(c)
        #expect(a.samples == TrackingStream(c).samples)
        var other = c
        other.seed = 5
        #expect(a.samples != TrackingStream(other).samples)
        #expect(c.shiftRows == [])  // 20,000 rows: the first shift would be at row 20,000
        // Huge rows are at least 1e3 sqrt(d) away from the location; noise rows within ~50.
        var huge = 0
        a.forEachLocation { t, truth in
            var squared = 0.0
            for j in 0..<8 {
                let e = Double(a.samples[t * 8 + j]) - truth[j]
                squared += e * e
            }
            if squared.squareRoot() > 500 * 8.0.squareRoot() { huge += 1 }
            if t < 100 { #expect(squared.squareRoot() < 500 * 8.0.squareRoot()) }
        }
        // 10% of 19,900 rows: 1,990, sd about 42.
        #expect(abs(huge - 1_990) < 200)
    }

    @Test func abruptShiftsMoveTheLocationByTenPerCoordinate() {
        let c = TrackingCase(dimension: 25, rows: 45_000, drift: .abrupt, corruption: .none)
        #expect(c.shiftRows == [20_000, 40_000])
        var before: [Double] = []
        var jump = 0.0
        TrackingStream(c).forEachLocation { t, truth in
            if t == 19_999 { before = truth }
            if t == 20_000 {
                jump = zip(truth, before).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            }
        }
        #expect(abs(jump - 10 * 5) < 1e-9)  // 10 sqrt(d), d = 25
    }

    @Test func clippedEstimatorResistsHugeCorruptionWhereSGDDoesNot() throws {
        let c = TrackingCase(dimension: 20, rows: 30_000, drift: .none, corruption: .huge)
        var trackers = try TrackingStudy(seeds: [1]).trackers(dimension: 20)
        let results = TrackingExperiment.run(TrackingStream(c), trackers: &trackers)
        let error = Dictionary(uniqueKeysWithValues: results.map { ($0.estimator, $0.error) })
        #expect(error["clipstream"]! < 0.05)
        #expect(error["unclipped"]! > 100 * error["clipstream"]!)
        #expect(error["running mean"]! > 100 * error["clipstream"]!)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func clippedEstimatorRecoversFromShiftsAmongHugeCorruptions(seed: UInt64) throws {
        // The threshold is blind here (10% of rows score 1e3 and more); far runs re-anchor,
        // never on a corrupted row, and a corrupted row never sets the new scales.
        var c = TrackingCase(dimension: 20, rows: 30_000, drift: .abrupt, corruption: .huge, seed: seed)
        c.shiftInterval = 10_000
        var trackers = try [TrackingStudy(seeds: [1]).trackers(dimension: 20)[0]]
        let result = TrackingExperiment.run(TrackingStream(c), trackers: &trackers)[0]
        let recovery = try #require(result.recovery)
        #expect(result.unrecovered == 0)
        #expect(recovery < 400)
        #expect(result.error < 0.1)
    }

    @Test func cleanStationaryErrorIsSmall() throws {
        let c = TrackingCase(dimension: 20, rows: 30_000, drift: .none, corruption: .none)
        var trackers = try TrackingStudy(seeds: [1]).trackers(dimension: 20)
        let results = TrackingExperiment.run(TrackingStream(c), trackers: &trackers)
        // At the floor rate 1/4096 an average has error about sqrt(1/8192) = 0.011.
        #expect(results[0].error < 0.03)
        #expect(results[0].recovery == nil)
    }

    @Test func geometricMean() {
        #expect(abs(TrackingStudy.geometricMean([1, 100]) - 10) < 1e-12)
        #expect(abs(TrackingStudy.geometricMean([0.5]) - 0.5) < 1e-15)
    }
}
