import RealModule

/// The per-key alert threshold: an estimate of the inlier score's `(1 - p)`-quantile.
///
/// A direct online `(1 - p)`-quantile step (ALGORITHM.md section 6) needs on the order of `1/p`
/// rows per key to settle and, worse, sits inside the anomalies whenever they are more frequent
/// than `p`. Instead each key tracks two upper quantiles of its score that anomalies rarely
/// reach, `q_lo` at level `tau_lo` (0.9) and `q_hi` at `tau_hi` (0.98 by default), and extends
/// them with a Pareto tail, log-linear in `log(1 - level)`:
///
///     T = q_hi * (q_hi / q_lo)^k,   k = ln((1 - tau_hi) / p) / ln((1 - tau_lo) / (1 - tau_hi))
///
/// Rejected alternative: a log-normal tail fitted to the median and `q_0.9` (which only sees
/// the bulk) gave 0.6% false alarms for a 0.1% target on Student-t (df 4) rows at d = 32; the
/// Pareto extension stays within a factor of about 2 of the true quantile from d = 1 to 256
/// and df 2.5 to Gaussian (numbers in `Docs/quality.md`).
public struct ScoreThreshold: Sendable, Equatable {
    /// Level `tau_hi` of the upper tracker.
    public let upperLevel: Double
    /// Level `tau_lo` of the lower tracker: `max(0.5, 1 - 5 (1 - tau_hi))`.
    public let lowerLevel: Double
    /// Extrapolation exponent `k`.
    public let exponent: Double
    /// Floor of the trackers' step.
    public let rate: Double
    /// Exponent that reads the 0.98-quantile off the trackers' Pareto line (0 when `tau_hi`
    /// is 0.98, the default).
    public let referenceExponent: Double

    /// Derives the tail extension from `configuration.alertRate` and `thresholdQuantile`.
    public init(_ configuration: Configuration) {
        upperLevel = configuration.thresholdQuantile
        lowerLevel = max(0.5, 1 - 5 * (1 - upperLevel))
        exponent =
            Double.log((1 - upperLevel) / configuration.alertRate)
            / Double.log((1 - lowerLevel) / (1 - upperLevel))
        rate = configuration.thresholdRate
        referenceExponent =
            Double.log((1 - upperLevel) / (1 - Self.referenceLevel))
            / Double.log((1 - lowerLevel) / (1 - upperLevel))
    }

    /// The key's score quantile at ``referenceLevel`` (0.98), what ``RowStep``'s blindness
    /// test compares: `q_hi` itself at the default `--threshold-quantile`, read off the
    /// trackers' Pareto line above it. Below it (`tau_hi` under 0.98) the trackers do not see
    /// that far up, and the threshold stands in: with `tau_hi` at 0.9 and 10% of rows gross,
    /// `q_0.9` sits on the corruptions' edge, and the 0.98-quantile read off it missed them
    /// (abrupt shifts among them were not followed: tracking error 9.5 noise scales 400 rows
    /// after a shift, against 0.1).
    /// - Complexity: O(1).
    @inlinable
    public func referenceQuantile(_ state: KeyState) -> Double {
        if upperLevel < Self.referenceLevel { return threshold(state) }
        if referenceExponent == 0 { return state.scoreUpper }
        let ratio = min(max(state.scoreUpper / state.scoreLower, 1), Self.maximumRatio)
        return state.scoreUpper * Double.pow(ratio, referenceExponent)
    }

    /// The current threshold of a key.
    /// - Complexity: O(1).
    @inlinable
    public func threshold(_ state: KeyState) -> Double {
        // Capped: a key that repeats one row drives both trackers down at different speeds.
        let ratio = min(max(state.scoreUpper / state.scoreLower, Self.minimumRatio), Self.maximumRatio)
        return max(state.scoreUpper * Double.pow(ratio, exponent), Self.minimumThreshold)
    }

    /// Moves both trackers one quantile step towards `score` (multiplicative, so they stay
    /// positive; up by `eta * tau`, down by `eta * (1 - tau)`).
    /// - Parameter rowCount: the key's row count, for the `1/n` start-up rate.
    @inlinable
    public func learn(score: Double, rowCount: Int, state: inout KeyState) {
        let k = Double(rowCount)
        let etaLower = max(rate, min(0.5, Self.startupGain / (1 - lowerLevel) / k))
        let etaUpper = max(rate, min(0.5, Self.startupGain / (1 - upperLevel) / k))
        state.scoreLower *=
            score > state.scoreLower ? 1 + etaLower * lowerLevel : 1 - etaLower * (1 - lowerLevel)
        state.scoreUpper *=
            score > state.scoreUpper ? 1 + etaUpper * upperLevel : 1 - etaUpper * (1 - upperLevel)
        state.scoreLower = min(max(state.scoreLower, Self.trackerRange.lowerBound), Self.trackerRange.upperBound)
        state.scoreUpper = min(max(state.scoreUpper, Self.trackerRange.lowerBound), Self.trackerRange.upperBound)
    }

    /// Level of ``referenceQuantile(_:)``.
    public static let referenceLevel = 0.98
    /// Bounds of both trackers: scores are ratios to the median pull, so anything outside is
    /// degenerate (an idle key, a runaway storm); the bounds keep every threshold finite.
    public static let trackerRange = 1e-6...1e12
    /// Floor of every threshold. The scale holds `E|z_j|` at 1, so a row that fits the model
    /// has an instant score (root mean square of `z`) of 1 or more on average; a threshold
    /// below 1.5 can only come from a degenerate stretch (a key repeating one row scores 0.1),
    /// and the next normal rows would all alert (2,200 alerts in 4,000 rows after 100,000
    /// identical rows, before this floor).
    public static let minimumThreshold = 1.5
    /// Ceiling of `q_hi / q_lo` in the tail extension.
    public static let maximumRatio = 1e3
    /// Floor of `q_hi / q_lo` in the tail extension: the threshold stays at least
    /// `1.1^k` (1.19 at the defaults) above `q_hi`.
    ///
    /// A key whose score is periodic without noise (a counter that resets every day, a
    /// noiseless cycle, a quantized one) has long stretches of near-equal scores: both
    /// trackers climb onto the stretch's top, their ratio falls to about 1, and the threshold
    /// sits on the scores themselves, which a bounded score exceeds far more often than `p`.
    /// A daily sawtooth, an integer-valued sine and a noiseless sine (14 days at 5 minutes)
    /// alerted on 34, 18 and 8 of every 1,000 rows (166, 38, 8 before alerts per run); with
    /// the floor at 1.05 / 1.07 / 1.1: 3.2 / 2.3 / 0.3 on the sawtooth, 0 on the others. The
    /// floor also raises the threshold of a noisy key with a bounded score (a trend with a
    /// daily cycle: 6 / 5 / 4 / 1 of 20 spikes of 6 sigma alerted at 1 / 1.05 / 1.07 / 1.1,
    /// with 22 / 1 / 0 / 0 false alarms); 1.1 because at 1.07 the sawtooth still alerted 18
    /// times in 12 days (`NoiselessCycleTests`) and a noiseless series is held to the same
    /// alert rate. SMD, NAB and the demo's scores and decisions are unchanged at all three but
    /// for one SMD false alarm fewer.
    public static let minimumRatio = 1.1

    /// Start-up step of a `tau`-quantile tracker: `startupGain / ((1 - tau) k)` at its `k`-th
    /// row (capped at 0.5), until it falls to `rate`.
    ///
    /// A quantile's stochastic approximation converges at the best rate with steps
    /// `1 / (k f(q))`, `f` the density at the quantile, and a tail quantile sits where the
    /// density is low, so it needs larger steps than the `1/k` of a median. With plain `1/k`
    /// steps the 0.98-quantile lagged for hundreds of rows and young keys over-alerted: 0.9%
    /// false alarms at 100-200 rows per key for a 0.1% target (generated stream, 200 keys).
    /// Gains 0.1, 0.2 and 0.5 gave 0.29%, 0.28% and 0.46% there, and 0.11%, 0.07%, 0.07% past
    /// 400 rows; 0.2 is the default (`Docs/quality.md`).
    public static let startupGain = 0.2
}
