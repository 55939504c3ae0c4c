import ClipStreamCore
import Testing

/// Of a run of rows above the threshold only the first `runAlerts` alert; the rest are
/// withheld with their scores unchanged.
@Suite("Alerts per run")
struct RunAlertsTests {
    /// A key of 4 Gaussian features whose level jumps by 20 scales at row 2,000 and stays.
    static func decisions(runAlerts: Int) -> (decisions: [AlertDecision], scores: [Double]) {
        var c = Configuration(dimension: 4)
        c.runAlerts = runAlerts
        var detector = LocationDetector(configuration: c)
        let slot = detector.addKey()
        var noise = NoiseStream(seed: 11)
        var decisions: [AlertDecision] = []
        var scores: [Double] = []
        for t in 0..<2_300 {
            let level = t < 2_000 ? 0.0 : 20.0
            let result = detector.process(row: noise.row(mean: [level, level, level, level]), slot: slot)
            decisions.append(result.decision)
            scores.append(result.score)
        }
        return (decisions, scores)
    }

    @Test func onlyTheFirstRowsOfARunAlert() {
        let capped = Self.decisions(runAlerts: 10)
        let every = Self.decisions(runAlerts: 0)
        let shift = 2_000..<2_300
        let cappedAlerts = shift.filter { capped.decisions[$0] == .alert }
        let everyAlerts = shift.filter { every.decisions[$0] == .alert }
        // Every row of the run alerts until the key re-anchors (100 rows) without the cap.
        #expect(everyAlerts.count >= 100)
        #expect(cappedAlerts == Array(everyAlerts.prefix(10)))
        #expect(cappedAlerts.first == 2_000)
        // Rankings are untouched: a withheld row keeps its score (an alert reports at least
        // its threshold, so rows compare where both decisions agree or the capped one withholds).
        for t in 0..<2_300 where capped.decisions[t] == every.decisions[t] {
            #expect(capped.scores[t] == every.scores[t], "row \(t)")
        }
        #expect(zip(capped.decisions, every.decisions).allSatisfy { $0 == $1 || ($0 == .withheld && $1 == .alert) })
    }

    @Test func aNegativeCountIsRefused() {
        var c = Configuration(dimension: 4)
        c.runAlerts = -1
        #expect(throws: ConfigurationError.self) { try c.validate() }
    }
}
