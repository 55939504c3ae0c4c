extension Configuration {
    /// Whether a model of `dimension` input features gets the narrow inputs' defaults (8 lags,
    /// a seasonal reference): the location model of at most ``Season/automaticMaximumDimension``
    /// features.
    public static func isNarrow(dimension: Int, model: ModelKind) -> Bool {
        model == .location && dimension <= Season.automaticMaximumDimension
    }

    /// Lags a narrow input gets by default: 8 previous rows for the location model of inputs
    /// with at most ``Season/automaticMaximumDimension`` features, none otherwise.
    ///
    /// A univariate series has nothing but its own dynamics: with its seasonal reference, 8
    /// lags took NAB's mean ROC-AUC / PR-AUC from 0.658 / 0.275 to 0.676 / 0.337, and every
    /// category gained (realTraffic 0.692 / 0.301 -> 0.723 / 0.381). Wide inputs have their
    /// columns for context, and the lags multiply their memory. `Docs/quality.md`.
    public static func automaticLags(dimension: Int, model: ModelKind) -> Int {
        isNarrow(dimension: dimension, model: model) ? 8 : 0
    }

    /// Weight of the sustained score a narrow input gets by default: 0.03 for the location
    /// model of inputs with at most ``Season/automaticMaximumDimension`` features, else
    /// ``defaultScoreSmoothing``.
    ///
    /// A univariate key's instant score rests on one column (and its lag window), and the
    /// persistence that marks its incidents lasts hundreds of rows: a memory of ~33 rows
    /// instead of 20 ranked better on NAB (mean ROC-AUC 0.720 -> 0.724, PR-AUC 0.390 either
    /// way, pooled 0.726 -> 0.732) and on SMD's metrics as long univariate series (5-minute
    /// means: 0.796 / 0.310 -> 0.797 / 0.315, pooled 0.744 -> 0.750; 1-minute rows: 0.780 /
    /// 0.286 -> 0.782 / 0.286, pooled 0.706 -> 0.714). SMD itself wants 0.05 (PR-AUC 0.409;
    /// 0.395 at 0.03). `Docs/quality.md`.
    public static func automaticScoreSmoothing(dimension: Int, model: ModelKind) -> Double {
        isNarrow(dimension: dimension, model: model) ? 0.03 : defaultScoreSmoothing
    }

    /// Where a key's seasonal block starts in its ``KeySnapshot/values``: after `theta`,
    /// `scale` and the lag window.
    public var seasonalBlockOffset: Int { 3 * modelDimension - dimension }
}
