import ArgumentParser
import ClipStreamCore
import Foundation

/// The library's defaults, shown as the options' defaults.
private let defaults = Configuration(dimension: 1)

/// The detector's tunables as command-line options (ALGORITHM.md sections 3-6).
struct ModelOptions: ParsableArguments {
    @Option(help: "Logical key partitions, 1...4096 (output is identical for every N). Default: the core count.")
    var shards: Int?

    @Option(help: "Target false-alarm rate p of each key's threshold.")
    var alertRate: Double = defaults.alertRate

    @Option(
        name: .customLong("model"),
        help: "What each key models: location (its typical row), linear (a regression of --target on the other columns; the score is the residual's pull) or logistic (the same for a 0/1 --target).")
    var modelName: ModelName = .location

    @Option(help: "The feature column a linear or logistic model predicts (its name in the header).")
    var target: String?

    @Option(help: "Weight of the logistic model's L2 term.")
    var l2: Double = defaults.l2Penalty

    @Option(help: "Extend each row with its key's previous L rows (a shingle: short-term dynamics for narrow series): auto (8 for the location model of inputs with at most 4 features, else 0), or L (0: the row alone).")
    var lags: AutomaticSetting<Int> = .automatic

    @Option(help: "Also score each row against the key's row one period earlier: auto (keys of inputs with at most 4 features find their period in their first 1,024 rows; wider inputs: off), off, or a period P in rows (each key then keeps P rows: 4 P d bytes).")
    var season: Season = defaults.season

    @Option(help: "Rank rows by their residual whitened against the covariance of the key's past residuals (alerts keep the plain score): auto (location models of 2-64 features, counting lags), on (at most 256), or off.")
    var whiten: Whitening = defaults.whitening

    @Option(help: "Mute an alert whose row deviates in one column that already dominated 3 of the key's recent alerts (its habit; the alert field is left empty): auto (location models of inputs wider than 4 features), on, or off.")
    var muteRepeats: RepeatMuting = defaults.repeatMuting

    @Option(help: "What --explain attributes: sustained (each feature's share of the key's sustained deviation, an average over recent rows like the sustained score's, signed by the direction it held: names the features of an incident still going on), row (each feature's share of the row's own ||z||^2), or auto (sustained for models of at most 64 features, row for wider ones). Models with lags, regression models and --score-smoothing 1 explain by the row.")
    var explainBy: ExplanationBasis = defaults.explanationBasis

    @Option(help: "Horizon H: the learning rate stops decaying at H^-alpha (the memory knob).")
    var horizon: Int = defaults.horizon

    @Option(help: "Exponent alpha of the epoch learning rate T^-alpha.")
    var alpha: Double = defaults.alpha

    @Option(help: "Length T_0 of the first learning-rate epoch (epochs double from it).")
    var initialEpoch: Int = defaults.initialEpochLength

    @Option(help: "c_lambda: clip threshold as a multiple of the running median pull.")
    var clipMultiplier: Double = defaults.clipMultiplier

    @Option(help: "Step of the running median of the pull.")
    var clipLevelRate: Double = defaults.clipLevelRate

    @Option(help: "R: a row beyond R median pulls that is off in most coordinates (a corruption of the whole row) takes no step (0: every row takes its clipped step).")
    var redescend: Double = defaults.redescendPullRatio

    @Option(help: "Per-coordinate clip of |z| in the scale update.")
    var scaleClip: Float = defaults.scaleClip

    @Option(help: "Absolute floor of every per-dimension scale.")
    var scaleFloor: Float = defaults.absoluteScaleFloor

    @Option(help: "Scale floor relative to |theta| (keeps constant columns finite and quiet).")
    var relativeScaleFloor: Float = defaults.relativeScaleFloor

    @Option(help: "Weight b of the sustained score (EWMA of the instant score); the score is max(instant, 1.3 sustained): auto (0.03 for the location model of inputs with at most 4 features, else 0.05), or b in (0, 1] (1: instant only).")
    var scoreSmoothing: AutomaticSetting<Double> = .automatic

    @Flag(help: "Report each key's raw score (RMS of the standardized residual) instead of its surprise against the key's own history.")
    var rawScores = false

    @Option(help: "Upper score quantile tracked for the threshold (below 1 - alert rate).")
    var thresholdQuantile: Double = defaults.thresholdQuantile

    @Option(help: "Step of the score quantile trackers.")
    var thresholdRate: Double = defaults.thresholdRate

    @Option(help: "Rows per key scored without alerts (decision withheld) at start-up.")
    var warmup: Int = defaults.warmupRows

    @Option(help: "Consecutive rows above threshold that re-anchor a key on a new level (0: never).")
    var restartAfter: Int = defaults.restartAfter

    @Option(help: "Rows withheld after a re-anchoring.")
    var restartQuiet: Int = defaults.restartQuietRows

    @Option(help: "Of a run of consecutive rows above the threshold, only the first N alert; later rows of the run are withheld, their scores unchanged (0: every row alerts).")
    var runAlerts: Int = defaults.runAlerts

    /// The shard count to use: `--shards` or the active core count.
    var resolvedShards: Int { shards ?? ProcessInfo.processInfo.activeProcessorCount }

    /// A validated location configuration for rows of `dimension` features (inputs without
    /// column names: `bench`, `demo`); a regression model needs ``configuration(featureNames:)``.
    func configuration(dimension: Int) throws -> Configuration {
        guard modelName == .location else {
            throw ValidationError("--model \(modelName.rawValue) needs named columns (score or replay a CSV or archive)")
        }
        return try configuration(featureNames: (0..<dimension).map { "x\($0)" })
    }

    /// A validated configuration for rows of the named feature columns (`--target` resolved
    /// among them).
    func configuration(featureNames: [String]) throws -> Configuration {
        var c = Configuration(dimension: featureNames.count)
        c.model = try modelKind(featureNames: featureNames)
        c.l2Penalty = l2
        c.alertRate = alertRate
        switch lags {
        case .automatic: c.lags = Configuration.automaticLags(dimension: featureNames.count, model: c.model)
        case .value(let count): c.lags = count
        }
        c.season = season
        c.whitening = whiten
        c.repeatMuting = muteRepeats
        c.explanationBasis = explainBy
        c.horizon = horizon
        c.alpha = alpha
        c.initialEpochLength = initialEpoch
        c.clipMultiplier = clipMultiplier
        c.clipLevelRate = clipLevelRate
        c.scaleClip = scaleClip
        c.redescendPullRatio = redescend
        c.absoluteScaleFloor = scaleFloor
        c.relativeScaleFloor = relativeScaleFloor
        switch scoreSmoothing {
        case .automatic: c.scoreSmoothing = Configuration.automaticScoreSmoothing(dimension: featureNames.count, model: c.model)
        case .value(let b): c.scoreSmoothing = b
        }
        c.calibratesScores = !rawScores
        c.thresholdQuantile = thresholdQuantile
        c.thresholdRate = thresholdRate
        c.warmupRows = warmup
        c.restartAfter = restartAfter
        c.restartQuietRows = restartQuiet
        c.runAlerts = runAlerts
        do {
            try c.validate()
        } catch {
            throw ValidationError(error.description)
        }
        if let shards, shards < 1 || shards > 4096 {
            throw ValidationError("--shards must be in 1...4096")
        }
        return c
    }

    /// The model `--model` and `--target` name, the target resolved to its feature index.
    private func modelKind(featureNames: [String]) throws -> ModelKind {
        if modelName == .location {
            if target != nil { throw ValidationError("--target needs --model linear or --model logistic") }
            return .location
        }
        guard let target else { throw ValidationError("--model \(modelName.rawValue) needs --target COLUMN") }
        guard let index = featureNames.firstIndex(of: target) else {
            throw ValidationError(
                "--target \(target) is not a feature column (features: \(featureNames.prefix(12).joined(separator: ", "))\(featureNames.count > 12 ? ", ..." : ""))")
        }
        return modelName == .linear ? .linear(target: index) : .logistic(target: index)
    }

    func validate() throws {
        if modelName == .location && target != nil {
            throw ValidationError("--target needs --model linear or --model logistic")
        }
        if modelName != .location && target == nil {
            throw ValidationError("--model \(modelName.rawValue) needs --target COLUMN")
        }
        var probe = self
        probe.modelName = .location
        probe.target = nil
        _ = try probe.configuration(dimension: 1)
        if l2 < 0 || l2 >= 1 { throw ValidationError("--l2 must be in [0, 1)") }
    }
}

/// The models `--model` names.
enum ModelName: String, ExpressibleByArgument, CaseIterable {
    case location, linear, logistic
}

/// An option that is `auto` (the input decides) or a value: `--lags`, `--score-smoothing`.
enum AutomaticSetting<Value: LosslessStringConvertible & Equatable>: ExpressibleByArgument, Equatable {
    case automatic
    case value(Value)

    init?(argument: String) {
        if argument == "auto" {
            self = .automatic
        } else if let value = Value(argument) {
            self = .value(value)
        } else {
            return nil
        }
    }

    var defaultValueDescription: String { "auto" }
}

extension Whitening: ExpressibleByArgument {
    /// The default's spelling in the help text.
    public var defaultValueDescription: String { setting }
}

extension ExplanationBasis: ExpressibleByArgument {
    /// The default's spelling in the help text.
    public var defaultValueDescription: String { setting }
}

extension RepeatMuting: ExpressibleByArgument {
    /// The default's spelling in the help text.
    public var defaultValueDescription: String { setting }
}

extension Season: ExpressibleByArgument {
    /// Parses `auto`, `off` or a positive period.
    public init?(argument: String) { self.init(setting: argument) }

    /// The default's spelling in the help text.
    public var defaultValueDescription: String { setting }
}
