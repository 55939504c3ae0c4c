import ClipStreamCore
import Testing

@Suite("Degenerate but valid streams keep every number finite")
struct DegenerateStreamTests {
    /// A key that repeats one row has pull 0: its clip level and score trackers must stay
    /// bounded, and the first different row must get a finite, alerting score.
    @Test func idleKeyThenAChange() {
        let configuration = Configuration(dimension: 2)
        var detector = LocationDetector(configuration: configuration)
        let slot = detector.addKey()
        var last = RowScore.empty
        for _ in 0..<100_000 { last = detector.process(row: [5, 0], slot: slot) }
        #expect(last.score.isFinite && last.threshold.isFinite)
        let state = detector.bank.state(slot: slot)
        #expect(state.clipLevel > 0)
        #expect(ScoreThreshold.trackerRange.contains(state.scoreLower))
        #expect(ScoreThreshold.trackerRange.contains(state.scoreUpper))
        let change = detector.process(row: [6, 1], slot: slot)
        #expect(change.score.isFinite)
        #expect(change.decision == .alert)
        #expect(detector.bank.checkInvariants())
    }

    /// The two most distant finite rows a CSV can hold: their difference overflows Float.
    @Test func extremeRowsStayFinite() {
        var detector = LocationDetector(configuration: Configuration(dimension: 1))
        let slot = detector.addKey()
        for value: Float in [3e38, -3e38, 1, 0, -3.4e38, 3.4e38, 1e-45] {
            let result = detector.process(row: [value], slot: slot)
            #expect(result.score.isFinite && result.threshold.isFinite)
            #expect(detector.bank.checkInvariants())
        }
    }

    @Test func singleRowReanchoringIsRejected() {
        var configuration = Configuration(dimension: 3)
        configuration.restartAfter = 1
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.restartAfter = 2
        configuration.restartQuietRows = 3_000_000_000
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
