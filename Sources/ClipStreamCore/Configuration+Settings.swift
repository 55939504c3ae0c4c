extension Configuration {
    /// Every field as `(option name, exact value)`, in a fixed order: what a saved model state
    /// records, so that a state is only ever resumed under the configuration that made it.
    /// Values are exact (`Double` and `Float` in their shortest round-trip form).
    public var settings: [(name: String, value: String)] {
        [
            ("dimension", "\(dimension)"), ("lags", "\(lags)"), ("model", model.setting), ("l2", "\(l2Penalty)"),
            ("season", effectiveSeason.setting), ("whiten", effectiveWhitening.setting),
            ("mute-repeats", effectiveRepeatMuting.setting), ("explain-by", effectiveExplanationBasis.setting),
            ("horizon", "\(horizon)"),
            ("alpha", "\(alpha)"), ("initial-epoch", "\(initialEpochLength)"),
            ("clip-multiplier", "\(clipMultiplier)"), ("clip-level-rate", "\(clipLevelRate)"),
            ("redescend", "\(redescendPullRatio)"),
            ("scale-clip", "\(scaleClip)"), ("scale-floor", "\(absoluteScaleFloor)"),
            ("relative-scale-floor", "\(relativeScaleFloor)"),
            ("score-smoothing", "\(scoreSmoothing)"), ("raw-scores", "\(!calibratesScores)"),
            ("alert-rate", "\(alertRate)"), ("threshold-quantile", "\(thresholdQuantile)"),
            ("threshold-rate", "\(thresholdRate)"), ("warmup", "\(warmupRows)"),
            ("restart-after", "\(restartAfter)"), ("restart-quiet", "\(restartQuietRows)"),
            ("run-alerts", "\(runAlerts)"),
            ("blas-min-dimension", "\(blasMinimumDimension)"),
        ]
    }
}
