import ClipStreamCore
import Testing

/// Of a run of rows above the threshold only the first `runAlerts` alert; the rest are
/// withheld with their scores unchanged.
@Suite("Alerts per run")
struct RunAlertsTests {
    /// A key of `dimension` Student-t features whose level jumps by 20 scales at row 2,000 and
    /// stays (at d = 32 the key keeps a whitening, whose ranking score can sit below the
    /// threshold the plain score crossed).
    static func results(runAlerts: Int, dimension: Int) -> [RowScore] {
        var c = Configuration(dimension: dimension)
        c.runAlerts = runAlerts
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 11, degreesOfFreedom: 4)
        return (0..<2_300).map { t in
            let level = t < 2_000 ? 0.0 : 20.0
            return detector.process(row: noise.row(mean: Array(repeating: level, count: dimension)), slot: slot)
        }
    }

    @Test(arguments: [4, 32])
    func onlyTheFirstRowsOfARunAlert(dimension: Int) {
        let capped = Self.results(runAlerts: 10, dimension: dimension)
        let every = Self.results(runAlerts: 0, dimension: dimension)
        let shift = 2_000..<2_300
        let cappedAlerts = shift.filter { capped[$0].decision == .alert }
        let everyAlerts = shift.filter { every[$0].decision == .alert }
        // Every row of the run alerts until the key re-anchors (100 rows) without the cap.
        #expect(everyAlerts.count >= 90)
        #expect(cappedAlerts == Array(everyAlerts.prefix(10)))
        #expect(cappedAlerts.first == 2_000)
        // Scores and thresholds never depend on the cap; decisions differ only where it
        // withholds, and those rows say so.
        for t in 0..<2_300 {
            #expect(capped[t].score == every[t].score && capped[t].threshold == every[t].threshold, "row \(t)")
            let withheldByCap = capped[t].decision == .withheld && every[t].decision == .alert
            #expect(capped[t].decision == every[t].decision || withheldByCap, "row \(t)")
            #expect(capped[t].runCapped == withheldByCap, "row \(t)")
            #expect(!every[t].runCapped)
        }
    }

    @Test func aNegativeCountIsRefused() {
        var c = Configuration(dimension: 4)
        c.runAlerts = -1
        #expect(throws: ConfigurationError.self) { try c.validate() }
    }
}
