import RealModule

/// The per-key alert threshold: the score's `(1 - p)`-quantile, estimated robustly.
///
/// A direct online `(1 - p)`-quantile step (ALGORITHM.md section 6) needs on the order of
/// `1/p` rows per key to settle and, worse, sits inside the anomalies whenever they are more
/// frequent than `p`. Instead each key tracks two well-populated quantiles of its score, the
/// median and the `tau`-quantile (0.9 by default), and extrapolates to `1 - p` on a log-normal
/// tail: `T = q_tau * (q_tau / q_0.5)^k` with `k = (Phi^-1(1-p) - Phi^-1(tau)) / Phi^-1(tau)`.
/// Contamination below `1 - tau` barely moves either quantile.
public struct ScoreThreshold: Sendable, Equatable {
    /// Quantile level of the upper tracker (`tau`).
    public let upperLevel: Double
    /// Extrapolation exponent `k`.
    public let exponent: Double
    /// Floor of the trackers' step.
    public let rate: Double

    /// Derives the extrapolation from `configuration.alertRate` and `thresholdQuantile`.
    public init(_ configuration: Configuration) {
        upperLevel = configuration.thresholdQuantile
        let zUpper = NormalQuantile.value(at: upperLevel)
        exponent = (NormalQuantile.value(at: 1 - configuration.alertRate) - zUpper) / zUpper
        rate = configuration.thresholdRate
    }

    /// The current threshold of a key.
    /// - Complexity: O(1).
    @inlinable
    public func threshold(_ state: KeyState) -> Double {
        let ratio = max(state.scoreUpper / state.scoreMedian, 1)
        return state.scoreUpper * Double.pow(ratio, exponent)
    }

    /// Moves both trackers one quantile step towards `score` (multiplicative, so they stay positive).
    /// - Parameter rowCount: the key's row count, for the `1/n` start-up rate.
    @inlinable
    public func learn(score: Double, rowCount: Int, state: inout KeyState) {
        let eta = max(rate, 1 / Double(rowCount))
        state.scoreMedian *= score > state.scoreMedian ? 1 + eta * 0.5 : 1 - eta * 0.5
        state.scoreUpper *=
            score > state.scoreUpper ? 1 + eta * upperLevel : 1 - eta * (1 - upperLevel)
    }
}
