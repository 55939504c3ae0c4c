import ClipStreamKernels

/// Every tunable of the detector, with the defaults `clipstream score` uses.
///
/// Checked once by ``validate()``; the estimator assumes a validated configuration.
/// Defaults and the experiments behind them are listed in `Docs/cli.md`.
public struct Configuration: Sendable, Equatable {
    /// Number of features per input row.
    public var dimension: Int
    /// `L`: each row is extended with its key's previous `L` rows (a shingle), so the model
    /// sees short-term dynamics; 0 (the default) models the row alone.
    public var lags: Int = 0
    /// What each key models: its location (the default), or a regression of one column on the
    /// others (``ModelKind``).
    public var model: ModelKind = .location
    /// Weight of the L2 term of the logistic model (its loss is strongly convex only with it).
    public var l2Penalty: Double = 1e-4
    /// Whether each key also scores rows against its row one period earlier (``Season``;
    /// resolved by ``effectiveSeason``).
    public var season: Season = .automatic
    /// Whether each key ranks rows by their whitened residual (``Whitening``; resolved by
    /// ``effectiveWhitening``).
    public var whitening: Whitening = .automatic
    /// Whether each key mutes alerts that repeat its habit (``RepeatMuting``; resolved by
    /// ``effectiveRepeatMuting``).
    public var repeatMuting: RepeatMuting = .automatic
    /// What a row's explanation attributes (``ExplanationBasis``; resolved by
    /// ``effectiveExplanationBasis``).
    public var explanationBasis: ExplanationBasis = .automatic
    /// Whether a feature value that is NaN is a missing value the key imputes (``MissingCells``)
    /// instead of a row the caller must refuse; needs ``canImputeMissing``.
    public var imputesMissing = false

    // MARK: Learning-rate schedule (ALGORITHM.md section 5)

    /// Horizon `H`: epochs stop doubling at this length, leaving the floor rate `H^-alpha`.
    public var horizon: Int = 4096
    /// Exponent `alpha` of the epoch rate `T_k^-alpha`.
    public var alpha: Double = 1
    /// Length `T_0` of the first epoch.
    public var initialEpochLength: Int = 1

    // MARK: Clipping (sections 2 and 4)

    /// `c_lambda`: the clip threshold is `clipMultiplier` times the running median pull `m`.
    public var clipMultiplier: Double = 2
    /// `R`: a row pulling beyond `R` median pulls that is off in most of its coordinates (a
    /// corruption spread over the whole row) takes no step at all, neither on the location nor
    /// on the scales (a redescending influence; `RowStep`). 0 turns it off (every row takes
    /// its clipped step).
    public var redescendPullRatio: Double = 4

    /// Step of the multiplicative median tracker of the pull.
    ///
    /// `m` sets the clip threshold only; the score no longer divides by it (a long anomaly
    /// segment lifted `m` and hid itself, `Docs/quality.md`).
    public var clipLevelRate: Double = 0.003

    // MARK: Scale (section 3)

    /// Per-coordinate clip of `|z|` in the scale step.
    public var scaleClip: Float = 1000
    /// Absolute floor of every scale (units of the data).
    public var absoluteScaleFloor: Float = 1e-6
    /// Floor relative to `|theta_j|`, so constant columns neither dominate nor divide by zero.
    public var relativeScaleFloor: Float = 1e-3

    // MARK: Threshold and alerts (section 6)

    /// Weight `b` of the sustained score, an exponential moving average of the instant score
    /// (`s <- (1 - b) s + b * instant`); the location model reports `max(instant, 1.3 s)`, the
    /// regression models `max(instant, s)`. 1 reports the instant score alone.
    public var scoreSmoothing: Double = Configuration.defaultScoreSmoothing
    /// ``scoreSmoothing``'s default: 0.05, chosen on SMD by leave-one-machine-out.
    public static let defaultScoreSmoothing = 0.05
    /// Whether scores and thresholds are reported calibrated against each key's own history
    /// (``ScoreCalibration``: comparable across keys); false reports the raw score.
    public var calibratesScores: Bool = true
    /// Target false-alarm rate `p` of the per-key threshold.
    public var alertRate: Double = 0.001
    /// Upper quantile level tracked for the threshold (`tau_hi` of ``ScoreThreshold``).
    public var thresholdQuantile: Double = 0.98
    /// Step of the score-quantile trackers.
    public var thresholdRate: Double = 0.01
    /// A key's first `warmupRows` rows are scored but never alert (decision withheld); its
    /// threshold learns from the last three quarters of them.
    public var warmupRows: Int = 100
    /// After this many consecutive rows above the threshold the key is re-anchored on the new
    /// level (a regime change) and its decisions are withheld for `restartQuietRows` rows;
    /// 0 disables re-anchoring.
    public var restartAfter: Int = 100
    /// Rows withheld after a re-anchoring while the estimate settles.
    public var restartQuietRows: Int = 10
    /// Alerting rows per run: of a run of consecutive rows above the threshold, only the first
    /// `runAlerts` alert and the rest are withheld (scores unchanged), so a level shift or a
    /// long incident is reported once instead of on every row until the key re-anchors; 0
    /// lets every row of a run alert. `Docs/quality.md`, "Alerts per run".
    public var runAlerts: Int = 10

    // MARK: Kernels

    /// Smallest dimension at which the BLAS strategy is used; below it the fused loops run.
    /// Measured (`Docs/performance.md`, engine rows/s, state in RAM, d = 512 to 16,384): the
    /// fused loops match or beat OpenBLAS's `sdot` + `saxpy` at every d, by up to 15% (the
    /// update is elementwise, so BLAS adds passes and call overhead and saves nothing), so
    /// the default never takes the BLAS path; `clipstream bench --kernel blas` measures it.
    public var blasMinimumDimension: Int = Configuration.neverBLAS

    /// The ``blasMinimumDimension`` that keeps every dimension on the fused loops.
    public static let neverBLAS = 1 << 30

    /// Creates the default configuration for rows of `dimension` features.
    public init(dimension: Int) {
        self.dimension = dimension
    }

    /// Features the model sees per row (`d`): the row and its `lags` previous rows.
    public var modelDimension: Int { dimension * (lags + 1) }

    /// Names of the model's features: `names` (one per input column), then each lag's copies
    /// as `name[t-1]`, `name[t-2]`, ... (the order of the extended row).
    public func modelFeatureNames(_ names: [String]) -> [String] {
        names + (0..<lags).flatMap { lag in names.map { "\($0)[t-\(lag + 1)]" } }
    }

    /// The kernel path for this configuration's model dimension (fixed for a run).
    public var kernelStrategy: KernelStrategy {
        modelDimension >= blasMinimumDimension ? .blas : .fused
    }

    /// Checks every field; throws the first problem found.
    public func validate() throws(ConfigurationError) {
        func check(_ ok: Bool, _ name: String, _ rule: String) throws(ConfigurationError) {
            if !ok { throw ConfigurationError(parameter: name, requirement: rule) }
        }
        try check(dimension >= 1, "dimension", "at least 1")
        try check(dimension <= 1 << 24, "dimension", "at most 16777216")
        try check((0...64).contains(lags), "lags", "in 0...64")
        try check(modelDimension <= 1 << 24, "lags", "such that dimension * (lags + 1) <= 16777216")
        if let target = model.target {
            try check((0..<dimension).contains(target), "target", "one of the \(dimension) input feature columns")
        }
        try check(l2Penalty >= 0 && l2Penalty < 1, "l2", "in [0, 1)")
        if case .period(let p) = season {
            try check((1...Season.longestPeriod).contains(p), "season", "off, auto or a period in 1...\(Season.longestPeriod)")
            try check(p * dimension <= 1 << 26, "season", "such that period * dimension <= 67108864")
            try check(model == .location, "season", "off or auto with --model \(model.name)")
        }
        if whitening == .on {
            try check(model == .location, "whiten", "off or auto with --model \(model.name)")
            try check(
                modelDimension <= Whitening.largestDimension, "whiten",
                "off or auto for more than \(Whitening.largestDimension) model features (dimension * (lags + 1))")
        }
        if imputesMissing {
            try check(canImputeMissing, "missing", "bad-row unless the location model runs without lags or a seasonal reference (--lags 0 --season off)")
        }
        if repeatMuting == .on {
            try check(model == .location, "mute-repeats", "off or auto with --model \(model.name)")
        }
        try check(horizon >= 1, "horizon", "at least 1")
        try check(alpha > 0 && alpha <= 1, "alpha", "in (0, 1]")
        try check(initialEpochLength >= 1, "initial-epoch", "at least 1")
        try check(clipMultiplier > 0 && clipMultiplier.isFinite, "clip-multiplier", "positive")
        try check(clipLevelRate > 0 && clipLevelRate < 1, "clip-level-rate", "in (0, 1)")
        try check(
            redescendPullRatio == 0 || (redescendPullRatio >= 1 && redescendPullRatio <= 1e6), "redescend",
            "0 (off) or in [1, 1e6]")
        // One message for the whole range: the CLI's value arrives as a `Float`, so 1e300 is
        // already infinite here and 1e-300 zero.
        try check(scaleClip >= 1 && scaleClip <= 1e6, "scale-clip", "in [1, 1e6]")
        try check(absoluteScaleFloor > 0 && absoluteScaleFloor <= 1e20, "scale-floor", "in (0, 1e20] (and above 1e-45)")
        try check(relativeScaleFloor >= 0 && relativeScaleFloor < 1, "relative-scale-floor", "in [0, 1)")
        try check(scoreSmoothing > 0 && scoreSmoothing <= 1, "score-smoothing", "in (0, 1]")
        try check(alertRate > 0 && alertRate < 0.4, "alert-rate", "in (0, 0.4)")
        try check(thresholdQuantile > 0.6 && thresholdQuantile < 1, "threshold-quantile", "in (0.6, 1)")
        // The tail extends the tracked quantile up to `1 - p`, so `p` must be rarer than it.
        try check(
            thresholdQuantile < 1 - alertRate, "alert-rate",
            "below 1 - threshold-quantile (--threshold-quantile is \(thresholdQuantile))")
        try check(thresholdRate > 0 && thresholdRate < 1, "threshold-rate", "in (0, 1)")
        try check(warmupRows >= 4, "warmup", "at least 4")
        // One row alone must never re-anchor a key: that would undo the per-row influence bound.
        try check(
            restartAfter == 0 || (2...1_000_000).contains(restartAfter), "restart-after",
            "0 (off) or in 2...1000000")
        try check((0...1_000_000).contains(restartQuietRows), "restart-quiet", "in 0...1000000")
        try check((0...1_000_000).contains(runAlerts), "run-alerts", "in 0...1000000")
        try check(warmupRows <= 1 << 40, "warmup", "at most 2^40")
        try check(horizon <= 1 << 40, "horizon", "at most 2^40")
        try check(initialEpochLength <= 1 << 40, "initial-epoch", "at most 2^40")
        try check(blasMinimumDimension >= 1, "blas-min-dimension", "at least 1")
    }
}

/// A configuration value outside its valid range.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The option's name as the CLI spells it.
    public var parameter: String
    /// What the value must satisfy.
    public var requirement: String

    /// Creates an error for `parameter`.
    public init(parameter: String, requirement: String) {
        self.parameter = parameter
        self.requirement = requirement
    }

    /// `--alpha must be in (0, 1]`.
    public var description: String { "--\(parameter) must be \(requirement)" }
}
