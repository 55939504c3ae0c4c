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

    /// Where a key's seasonal block starts in its ``KeySnapshot/values``: after `theta`,
    /// `scale` and the lag window.
    public var seasonalBlockOffset: Int { 3 * modelDimension - dimension }
}
