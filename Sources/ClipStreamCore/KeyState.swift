/// The per-key scalars of the location model (the vectors live in ``EstimatorBank``).
///
/// 88 bytes per key.
public struct KeyState: Sendable, Equatable {
    /// Rows this key has seen.
    public var rowCount: Int = 0
    /// Row index within the learning-rate schedule; restarts at 1 on a re-anchoring.
    public var scheduleRow: Int = 0
    /// `m`: running median of the pull `r`.
    public var clipLevel: Double = 0
    /// Running lower upper-quantile of the score (level `tau_lo`, see ``ScoreThreshold``).
    public var scoreLower: Double = 1.2
    /// Running `thresholdQuantile`-quantile of the score.
    public var scoreUpper: Double = 1.5
    /// Exponential moving average of the instant score (the sustained score).
    public var sustainedScore: Double = 1
    /// Mass of the score-calibration histogram, in units of the current row weight's scale.
    public var calibrationMass: Double = 0
    /// Weight the next learned score adds to the calibration histogram (grows per row: decay).
    public var calibrationWeight: Double = 1
    /// Consecutive rows above the threshold (for regime-change re-anchoring).
    public var runLength: Int32 = 0
    /// Rows left in the quiet window after a re-anchoring.
    public var quietRowsLeft: Int32 = 0
    /// Consecutive rows scoring far below any normal row (scales inflated, e.g. by a burst of
    /// absurd rows): at `restartAfter` the key re-anchors and re-estimates its scales.
    public var lowRunLength: Int32 = 0
    /// Rows of that run whose score moved by more than a fifth against the sustained score:
    /// rows that still vary (a key whose data stopped varying keeps its scales).
    public var lowRunVaried: Int32 = 0
    /// 1 when the row after a re-anchoring re-estimates the scales outright (they may shrink),
    /// 0 when it only widens them.
    public var rescalesNext: Int32 = 0
    /// Consecutive rows pulling far beyond the median pull (regime-change re-anchoring that
    /// does not depend on the threshold).
    public var farRunLength: Int32 = 0

    /// A key that has seen nothing.
    public init() {}
}

extension Int32 {
    /// One more, but never past `Int32.max`: a run counter of a key whose run outlasts it (or of
    /// a crafted state) stops there instead of trapping.
    var saturatingIncrement: Int32 { self == .max ? self : self + 1 }
}
