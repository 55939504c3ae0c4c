import ClipStreamCore
import Foundation
import TestSupport
import Testing

@Suite("Per-key threshold")
struct ThresholdTests {
    @Test func extrapolationExponentFollowsTheAlertRate() {
        var configuration = Configuration(dimension: 4)
        configuration.alertRate = 0.001
        let threshold = ScoreThreshold(configuration)
        // Levels 0.9 and 0.98: k = ln(0.02 / 0.001) / ln(0.1 / 0.02) = ln 20 / ln 5.
        #expect(isClose(threshold.lowerLevel, 0.9, relative: 1e-15))
        #expect(isClose(threshold.exponent, 1.8613531161467862, relative: 1e-12))
        var state = KeyState()
        state.scoreLower = 1.25
        state.scoreUpper = 1.5
        #expect(isClose(threshold.threshold(state), 1.5 * pow(1.2, 1.8613531161467862), relative: 1e-12))
    }

    /// Stationary Gaussian rows: past a key's first few hundred rows the realised false-alarm
    /// rate stays within a factor 2 of the target (the Pareto tail is conservative for
    /// Gaussian norms, see Docs/quality.md), and even young keys stay within 4x.
    @Test(arguments: [0.01, 0.002])
    func realisedFalseAlarmRateIsNearTheTarget(alertRate: Double) {
        var configuration = Configuration(dimension: 16)
        configuration.whitening = .off  // ranks only; the subject here is the alert rate
        configuration.alertRate = alertRate
        configuration.restartAfter = 0
        var detector = LocationDetector(configuration: configuration)
        var noise = NoiseStream(seed: 77)
        let keys = 40
        let slots = (0..<keys).map { _ in detector.addKey() }
        let means = (0..<keys).map { _ in noise.vector(dimension: 16, scale: 3) }
        var young = (alerts: 0, rows: 0)
        var settled = (alerts: 0, rows: 0)
        for t in 0..<2_000 {
            for k in 0..<keys {
                let result = detector.process(row: noise.row(mean: means[k]), slot: slots[k])
                guard result.decision != .withheld else { continue }
                let alert = result.decision == .alert ? 1 : 0
                if t < 400 {
                    young = (young.alerts + alert, young.rows + 1)
                } else {
                    settled = (settled.alerts + alert, settled.rows + 1)
                }
            }
        }
        let settledRate = Double(settled.alerts) / Double(settled.rows)
        let youngRate = Double(young.alerts) / Double(young.rows)
        #expect(settledRate < 2 * alertRate)
        #expect(settledRate > alertRate / 20)
        #expect(youngRate < 4 * alertRate)
    }
}
