import ArgumentParser
import ClipStreamCore
import Foundation

/// The detector's tunables as command-line options (ALGORITHM.md sections 3-6).
struct ModelOptions: ParsableArguments {
    @Option(help: "Logical key partitions (any N >= 1; output is identical for every N). Default: the core count.")
    var shards: Int?

    @Option(help: "Target false-alarm rate p of each key's threshold.")
    var alertRate: Double = 0.001

    @Option(help: "Horizon H: the learning rate stops decaying at H^-alpha (the memory knob).")
    var horizon: Int = 8192

    @Option(help: "Exponent alpha of the epoch learning rate T^-alpha.")
    var alpha: Double = 2.0 / 3.0

    @Option(help: "c_lambda: clip threshold as a multiple of the running median pull.")
    var clipMultiplier: Double = 2

    @Option(help: "Step of the running median of the pull.")
    var clipLevelRate: Double = 0.01

    @Option(help: "Per-coordinate clip of |z| in the scale update.")
    var scaleClip: Float = 3

    @Option(help: "Absolute floor of every per-dimension scale.")
    var scaleFloor: Float = 1e-6

    @Option(help: "Scale floor relative to |theta| (keeps constant columns finite and quiet).")
    var relativeScaleFloor: Float = 1e-3

    @Option(help: "Upper score quantile tracked for the threshold (must exceed 1 - alert rate).")
    var thresholdQuantile: Double = 0.98

    @Option(help: "Step of the score quantile trackers.")
    var thresholdRate: Double = 0.01

    @Option(help: "Rows per key scored without alerts (decision withheld) at start-up.")
    var warmup: Int = 50

    @Option(help: "Consecutive rows above threshold that re-anchor a key on a new level (0: never).")
    var restartAfter: Int = 5

    @Option(help: "Rows withheld after a re-anchoring.")
    var restartQuiet: Int = 10

    /// The shard count to use: `--shards` or the active core count.
    var resolvedShards: Int { shards ?? ProcessInfo.processInfo.activeProcessorCount }

    /// A validated configuration for rows of `dimension` features.
    func configuration(dimension: Int) throws -> Configuration {
        var c = Configuration(dimension: dimension)
        c.alertRate = alertRate
        c.horizon = horizon
        c.alpha = alpha
        c.clipMultiplier = clipMultiplier
        c.clipLevelRate = clipLevelRate
        c.scaleClip = scaleClip
        c.absoluteScaleFloor = scaleFloor
        c.relativeScaleFloor = relativeScaleFloor
        c.thresholdQuantile = thresholdQuantile
        c.thresholdRate = thresholdRate
        c.warmupRows = warmup
        c.restartAfter = restartAfter
        c.restartQuietRows = restartQuiet
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

    func validate() throws {
        _ = try configuration(dimension: 1)
    }
}
