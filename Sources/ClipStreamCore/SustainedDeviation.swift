/// What the `top` explanation of a row attributes: the row's own deviation, or the key's
/// sustained one (``SustainedDeviation``).
public enum ExplanationBasis: String, Sendable, Hashable, CaseIterable {
    /// Each feature's share of the row's `||z||^2`.
    case row
    /// The default: the sustained deviation for models of at most ``automaticLargestDimension``
    /// features, the row for wider ones.
    case automatic = "auto"
    /// Each feature's share of the sustained deviation, the per-feature part of the sustained
    /// score, signed by the direction it has held.
    case sustained

    /// Widest model ``automatic`` explains by the sustained deviation: the largest the
    /// whitening takes by default, where the deviation's `d` values per key and per row are
    /// lost among the covariance's `d^2`. Wider models explain by the row: the extra read and
    /// write of `d` values per row cost 10-20% of rows/s at d = 1,024 on the dev box.
    public static let automaticLargestDimension = Whitening.automaticDimensions.upperBound

    /// The setting's spelling on the command line and in a saved state.
    public var setting: String { rawValue }
}

extension Configuration {
    /// The basis this configuration explains by, `row` or `sustained`: ``explanationBasis``
    /// with `auto` resolved against the model's width, except that these explain by the row:
    /// the regression models (one residual, no per-feature deviation), a score without a
    /// sustained part (``scoreSmoothing`` 1), and a model with lags, whose window of rows
    /// already holds the recent past (and whose echo rows, those owing their score to a lagged
    /// copy of a spike, are told apart by the row's own attribution).
    public var effectiveExplanationBasis: ExplanationBasis {
        guard model == .location && scoreSmoothing < 1 && lags == 0 else { return .row }
        switch explanationBasis {
        case .automatic: return modelDimension <= ExplanationBasis.automaticLargestDimension ? .sustained : .row
        case .row, .sustained: return explanationBasis
        }
    }

    /// The per-key layout of the sustained deviation (nil when rows explain themselves).
    public var sustainedDeviationLayout: SustainedDeviation? {
        effectiveExplanationBasis == .sustained ? SustainedDeviation(dimension: modelDimension) : nil
    }

    /// Where the sustained deviation starts in a key's reference block: after the alert habit.
    public var sustainedDeviationStartInBlock: Int { alertHabitStartInBlock + (alertHabitLayout?.storageCount ?? 0) }

    /// Where a key's sustained deviation starts in its ``KeySnapshot/values``.
    public var sustainedDeviationBlockOffset: Int { seasonalBlockOffset + sustainedDeviationStartInBlock }
}

/// The sustained score split by feature: for each model feature `j`, an exponential moving
/// average (the score's smoothing `b`) of its signed part of the row's squared deviation,
/// `e_j <- (1 - b) e_j + b u_j` with `u_j = d c^2 z_j |z_j| / ||z||^2` and `c` the row's instant
/// score clipped like the sustained score's. A row's explanation ranks features by
/// `|(1 - b) e_j + u_j|` (the past decayed, the row itself at full weight; ``explained``) and
/// signs them by it, so it names the features of an incident that is still going on, and the
/// direction they went, rather than only the current row's deviations (which, once the estimate
/// has followed a shift, point back the other way), while a fresh spike still names itself.
///
/// Why: inside a labelled SMD anomaly the score is mostly the sustained one, carried by the
/// incident's first rows, while the current row's largest deviations often sit elsewhere.
/// Against SMD's interpretation labels (the metrics the operators found involved;
/// `Scripts/explanation-check.py`), the share of a labelled row's involved metrics among its
/// top ones (HitRate@100%) rose from 0.477 to 0.606 over all labelled rows and from 0.633 to
/// 0.651 over the alerted ones; the demo's spike-one alerts name their moved feature first in
/// 229 of 229 (`Docs/quality.md`, "Explanations").
public struct SustainedDeviation: Sendable, Equatable {
    /// Model features.
    public let dimension: Int

    /// Creates the layout for a model of `dimension` features.
    public init(dimension: Int) {
        self.dimension = dimension
    }

    /// `Float`s per key: one per model feature.
    public var storageCount: Int { dimension }

    /// Ceiling of a row's whole part `d c^2`: far beyond any row a threshold lets through, and
    /// far enough below `Float`'s range that a deviation plus a row's part (``explained``) stays
    /// finite.
    static let largestPart = 1e30

    /// Learns one row's deviation.
    /// - Parameters:
    ///   - z: the row's standardized residual, or its unit direction.
    ///   - squaredNorm: `||z||^2` (1 for a unit direction); a zero norm adds nothing.
    ///   - clippedScore: the row's instant score, clipped as the sustained score clips it.
    ///   - smoothing: the score's smoothing `b`.
    ///   - block: the key's sustained deviation (``storageCount`` values).
    /// - Returns: the row's gain `d c^2 / ||z||^2` (its part is `gain z_j |z_j|`; `d c^2` at most
    ///   ``largestPart``).
    /// - Complexity: O(d), no allocation.
    @discardableResult
    func learn(
        z: UnsafePointer<Float>, squaredNorm: Double, clippedScore: Double, smoothing: Double,
        block: UnsafeMutablePointer<Float>
    ) -> Float {
        let keep = Float(1 - smoothing)
        // The row's whole part, `d c^2`, bounded: on the overflow path (`z` a unit direction, a
        // row like 1e30) `c` is only clipped at 4 thresholds, and unbounded the part reached
        // Float's infinity, which left NaN in the key's state for good.
        let part = min(Double(dimension) * clippedScore * clippedScore, Self.largestPart)
        let gain = squaredNorm > 0 ? Float(part / squaredNorm) : 0
        let learned = Float(smoothing) * gain
        for j in 0..<dimension { block[j] = keep * block[j] + learned * z[j] * abs(z[j]) }
        return gain
    }

    /// What a row's explanation ranks: the key's sustained deviation before the row, decayed,
    /// plus the row's own part at full weight, `(1 - b) e_j + gain z_j |z_j|` (from the learned
    /// `e`: `e_j + (1 - b) gain z_j |z_j|`). An incident still going on outweighs an ordinary
    /// row, and a fresh spike outweighs an ordinary past (ranked by `e` alone, 3% of the demo's
    /// spike-one alerts named another feature first).
    func explained(
        z: UnsafePointer<Float>, gain: Float, smoothing: Double, block: UnsafePointer<Float>,
        into values: UnsafeMutablePointer<Float>
    ) {
        let current = Float(1 - smoothing) * gain
        for j in 0..<dimension { values[j] = block[j] + current * z[j] * abs(z[j]) }
    }

    /// Whether `block` could have been written by ``learn``: ``storageCount`` finite values.
    public func isSound(_ block: ArraySlice<Float>) -> Bool {
        block.count == storageCount && block.allSatisfy(\.isFinite)
    }
}

/// How a key's snapshot changes between two configurations that differ at most in whether they
/// keep a sustained deviation: a state saved under one explanation basis loads under the other,
/// as explanations change no score. Gaining one, a key starts it empty (its rows explain
/// themselves until it fills); losing one, the key drops it.
public struct SustainedDeviationChange: Sendable, Equatable {
    /// Values a key's snapshot gains (negative: loses), at `offset`.
    public let valuesAdded: Int
    private let offset: Int

    /// The change from snapshots of `old` to snapshots of `new`.
    public init(from old: Configuration, to new: Configuration) {
        let before = old.sustainedDeviationLayout?.storageCount ?? 0
        let after = new.sustainedDeviationLayout?.storageCount ?? 0
        valuesAdded = after - before
        offset = valuesAdded > 0 ? new.sustainedDeviationBlockOffset : old.sustainedDeviationBlockOffset
    }

    /// `snapshot` (of the old configuration) as the new configuration holds it.
    public func apply(to snapshot: KeySnapshot) -> KeySnapshot {
        guard valuesAdded != 0, snapshot.values.count >= offset - min(valuesAdded, 0) else { return snapshot }
        var values = snapshot.values
        if valuesAdded > 0 {
            values.insert(contentsOf: repeatElement(Float(0), count: valuesAdded), at: offset)
        } else {
            values.removeSubrange(offset..<offset - valuesAdded)
        }
        return KeySnapshot(state: snapshot.state, values: values)
    }
}
