import ClipStreamCore
import Foundation
import Testing

/// Keys whose values repeat a cycle without noise (a counter that resets every day, a
/// quantized or a noiseless sine) have long stretches of near-equal scores; the threshold must
/// not settle onto them (``ScoreThreshold/minimumRatio``).
@Suite("Noiseless cycles")
struct NoiselessCycleTests {
    static let period = 288  // one day at 5 minutes
    static let rows = 14 * period

    /// The narrow inputs' defaults (8 lags, a seasonal reference), as `clipstream score` gives
    /// a univariate series.
    static func narrowConfiguration() -> Configuration {
        var c = Configuration(dimension: 1)
        c.lags = Configuration.automaticLags(dimension: 1, model: .location)
        return c
    }

    static func alertsAfterTwoDays(_ value: (Int) -> Float) -> Int {
        var detector = LocationDetector(configuration: narrowConfiguration())
        let slot = detector.addKey()
        var alerts = 0
        for t in 0..<rows {
            let result = detector.process(row: [value(t)], slot: slot)
            if t >= 2 * period && result.decision == .alert { alerts += 1 }
        }
        return alerts
    }

    /// 3,456 scored rows each; at most 3 false alarms per 1,000 rows (NAB's bar) is 10. Without
    /// the ratio's floor: 127, 63 and 28 alerts.
    @Test func noiselessCyclesStayUnderThreePerThousand() {
        let sawtooth = Self.alertsAfterTwoDays { Float($0 % Self.period) }
        let integerSine = Self.alertsAfterTwoDays { Float(Int(50 + 30 * sin(2 * Double.pi * Double($0) / Double(Self.period)))) }
        let sine = Self.alertsAfterTwoDays { Float(50 + 30 * sin(2 * Double.pi * Double($0) / Double(Self.period))) }
        #expect(sawtooth <= 10)
        #expect(integerSine <= 10)
        #expect(sine <= 10)
    }

    /// Equal trackers (every recent score alike) extrapolate from the floor's ratio, not 1.
    @Test func equalTrackersKeepTheThresholdAboveThem() {
        let threshold = ScoreThreshold(Configuration(dimension: 4))
        var state = KeyState()
        state.scoreLower = 2
        state.scoreUpper = 2
        let expected = 2 * pow(ScoreThreshold.minimumRatio, threshold.exponent)
        #expect(abs(threshold.threshold(state) - expected) < 1e-12)
        #expect(threshold.threshold(state) > 2.3)
    }
}
