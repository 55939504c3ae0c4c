/// The detector's decision for one row.
public enum AlertDecision: UInt8, Sendable, Equatable {
    /// The key is warming up or settling after a regime change: the decision is withheld.
    case withheld
    /// The score is at or below the key's threshold.
    case normal
    /// The score is above the key's threshold.
    case alert
}

/// Everything the detector reports about one row, computed before the row is learned.
public struct RowScore: Sendable, Equatable {
    /// `max(instant, 1.3 sustained)`: the RMS of the standardized residual (whitened, with
    /// `Configuration.whitening`), or the weighted moving average of recent ones if higher (see
    /// `Configuration.scoreSmoothing`; the regression models use weight 1), and for an alert at
    /// least its threshold; always finite, higher is more anomalous.
    public var score: Double
    /// The key's threshold for this row (the score quantile extrapolated to the alert rate).
    public var threshold: Double
    /// Alert, normal, or withheld.
    public var decision: AlertDecision
    /// Whether the row would have alerted but repeats its key's habit (``AlertHabit``): its
    /// decision is withheld and its score at most its threshold.
    public var muted: Bool
    /// Whether the row would have alerted but comes after the first
    /// ``Configuration/runAlerts`` rows of its run above the threshold: its decision is
    /// withheld, its score unchanged.
    public var runCapped: Bool
    /// `r`: the standardized residual's norm, the row's pre-clip pull.
    public var pull: Double
    /// `lambda`: the clip threshold applied to this row's update; 0 when the row took no
    /// clipped step (see ``tookClippedStep``).
    public var clipThreshold: Double
    /// Whether the update was clipped (`pull > clipThreshold`).
    public var clipped: Bool
    /// Whether the row was learned by a clipped SGD step. False for a key's first two rows
    /// (which set the estimate and scale directly) and for a re-anchoring row.
    public var tookClippedStep: Bool { clipThreshold > 0 }
    /// Whether this row re-anchored the key on a new level (a regime change).
    public var reanchored: Bool
    /// Missing values the key imputed in this row (``Configuration/imputesMissing``).
    public var imputedValues: Int32 = 0

    /// Creates a row result.
    public init(
        score: Double, threshold: Double, decision: AlertDecision, muted: Bool = false,
        runCapped: Bool = false, pull: Double, clipThreshold: Double, clipped: Bool, reanchored: Bool = false
    ) {
        self.score = score
        self.threshold = threshold
        self.decision = decision
        self.muted = muted
        self.runCapped = runCapped
        self.pull = pull
        self.clipThreshold = clipThreshold
        self.clipped = clipped
        self.reanchored = reanchored
    }

    /// A placeholder for unfilled batch slots.
    public static let empty = RowScore(
        score: 0, threshold: 0, decision: .withheld, pull: 0, clipThreshold: 0, clipped: false)
}
