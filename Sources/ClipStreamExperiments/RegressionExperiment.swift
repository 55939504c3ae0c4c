import ClipStreamCore
import ClipStreamEvaluation
import ClipStreamSynthetic

/// One stream of the regression study (`clipstream experiment regression`).
public struct RegressionCase: Sendable {
    /// The stream's settings.
    public var settings: RegressionStream.Settings
    /// Rows streamed.
    public var rows: Int

    /// A case of `rows` rows of `settings`.
    public init(settings: RegressionStream.Settings, rows: Int) {
        self.settings = settings
        self.rows = rows
    }

    /// `linear d=10 t2.5 10% drift`: the model, features, noise, corruption and drift.
    public var name: String {
        let s = settings
        let noise = s.logistic ? "labels" : (s.noiseDegreesOfFreedom.isInfinite ? "gauss" : "t\(s.noiseDegreesOfFreedom)")
        let drift = s.changeEvery > 0 ? " change/\(s.changeEvery)" : ""
        return "\(s.logistic ? "logistic" : "linear") d=\(s.features) \(noise) \(Int((s.corruptionFraction * 100).rounded()))%\(drift)"
    }

    /// The study's grid: linear at d = 10 and 100, Gaussian and Student-t (2.5) noise, 0, 10
    /// and 30% corrupted targets; the same with the coefficients redrawn every 10,000 rows;
    /// logistic at d = 10 and 100 with 0 and 5% of confident labels flipped.
    public static func standard(rows: Int = 30_000, seed: UInt64 = 1) -> [RegressionCase] {
        var cases: [RegressionCase] = []
        for features in [10, 100] {
            for df in [Double.infinity, 2.5] {
                for corruption in [0.0, 0.1, 0.3] {
                    var s = RegressionStream.Settings()
                    s.features = features
                    s.noiseDegreesOfFreedom = df
                    s.corruptionFraction = corruption
                    s.seed = seed
                    cases.append(RegressionCase(settings: s, rows: rows))
                }
            }
            var drifting = RegressionStream.Settings()
            drifting.features = features
            drifting.noiseDegreesOfFreedom = 2.5
            drifting.changeEvery = 10_000
            drifting.seed = seed
            cases.append(RegressionCase(settings: drifting, rows: rows))
            for flips in [0.0, 0.05] {
                var s = RegressionStream.Settings()
                s.features = features
                s.logistic = true
                s.corruptionFraction = flips
                s.seed = seed
                cases.append(RegressionCase(settings: s, rows: rows))
            }
        }
        return cases
    }
}

/// A model setting compared in the study.
public struct RegressionVariant: Sendable {
    /// Its name in the tables.
    public var name: String
    /// Applied to the default configuration of the case's model.
    public var adjust: @Sendable (inout Configuration) -> Void

    /// The engine's defaults, and the same rate unclipped (`c_lambda` 1e30).
    public static func standard() -> [RegressionVariant] {
        [
            RegressionVariant(name: "clipped (defaults)", adjust: { _ in }),
            RegressionVariant(name: "unclipped, same rate", adjust: { $0.clipMultiplier = 1e30 }),
        ]
    }
}

/// What one variant achieved on one case.
public struct RegressionResult: Sendable, Encodable {
    /// The case's name.
    public var stream: String
    /// The variant's name.
    public var variant: String
    /// Coefficient error (``RegressionStream/coefficientError(_:)``) averaged over every row
    /// after the first 1,000: how closely the model follows the coefficients throughout.
    public var meanError: Double
    /// The same over the last 2,000 rows.
    public var finalError: Double
    /// ROC-AUC of the score against the corrupted rows, after the first 1,000 rows (nil
    /// without corruption).
    public var rocAUC: Double?
}

/// Runs one variant of one case on a single key, in process.
public enum RegressionExperiment {
    /// Streams `c` through a fresh detector of the case's model with `variant`'s settings.
    /// - Complexity: O(rows * d).
    public static func run(_ variant: RegressionVariant, on c: RegressionCase) throws -> RegressionResult {
        let p = c.settings.features
        var configuration = Configuration(dimension: p + 1)
        configuration.model = c.settings.logistic ? .logistic(target: p) : .linear(target: p)
        variant.adjust(&configuration)
        try configuration.validate()
        var stream = RegressionStream(c.settings)
        var detector = RegressionDetector(configuration: configuration)
        let slot = detector.addKey()
        let start = min(1_000, c.rows / 2)
        var errorSum = 0.0
        var finalSum = 0.0
        var finalCount = 0
        var scores: [Double] = []
        var labels: [Bool] = []
        for n in 0..<c.rows {
            let row = stream.next()
            let result = detector.process(row: row.values, slot: slot)
            guard n >= start else { continue }
            let error = stream.coefficientError(detector.weights(slot: slot))
            errorSum += error
            if n >= c.rows - 2_000 {
                finalSum += error
                finalCount += 1
            }
            scores.append(result.score)
            labels.append(row.corrupted)
        }
        let metrics = RankingMetrics(scores: scores, labels: labels)
        return RegressionResult(
            stream: c.name, variant: variant.name, meanError: errorSum / Double(c.rows - start),
            finalError: finalSum / Double(max(finalCount, 1)),
            rocAUC: metrics.hasBothClasses ? metrics.rocAUC : nil)
    }
}
