import ClipStreamCore
import ClipStreamEvaluation

/// One model variant of the digit-drift experiment.
public struct DigitDriftVariant: Sendable {
    public var name: String
    public var configuration: Configuration
    /// Scale each image to unit Euclidean length before the model sees it.
    public var unitLength = false

    public init(name: String, configuration: Configuration, unitLength: Bool = false) {
        self.name = name
        self.configuration = configuration
        self.unitLength = unitLength
    }

    /// ClipStream's defaults, unclipped, at the `1/t` rate and on unit-length images; then the
    /// same comparisons with one scale shared by every pixel, a short horizon (H = 256,
    /// alpha = 2/3) and the instant score alone, the model this stream needs: per-pixel scales
    /// let the near-constant border pixels dominate the score (ROC-AUC about 0.52 with the
    /// defaults).
    public static func standard() -> [DigitDriftVariant] {
        let d = DigitImages.pixels
        func configuration(shared: Bool, clipped: Bool = true, runningMean: Bool = false) -> Configuration {
            var c = Configuration(dimension: d)
            if shared {
                // Every scale sits at this floor: grey levels are in [0, 1], so no pixel's
                // mean absolute deviation reaches 1.
                c.absoluteScaleFloor = 1
                c.horizon = 256
                c.alpha = 2.0 / 3.0
                // Each anomaly is one sample: the sustained score (the default since these
                // tables were first made) only carries its height onto the normal samples after
                // it (ROC-AUC 0.779 -> 0.603 at 3% anomalies).
                c.scoreSmoothing = 1
            }
            if !clipped {
                c.clipMultiplier = 1e12
                c.redescendPullRatio = 0
            }
            if runningMean { c.horizon = 1 << 40 }
            return c
        }
        return [
            DigitDriftVariant(name: "clipstream (defaults)", configuration: configuration(shared: false)),
            DigitDriftVariant(name: "unclipped", configuration: configuration(shared: false, clipped: false)),
            DigitDriftVariant(name: "1/t rate", configuration: configuration(shared: false, runningMean: true)),
            DigitDriftVariant(name: "unit-length images", configuration: configuration(shared: false), unitLength: true),
            DigitDriftVariant(name: "shared scale, H 256", configuration: configuration(shared: true)),
            DigitDriftVariant(name: "shared, unclipped", configuration: configuration(shared: true, clipped: false)),
            DigitDriftVariant(name: "shared, 1/t rate", configuration: configuration(shared: true, runningMean: true)),
        ]
    }
}

/// Prequential detection quality on a digit-drift stream.
public struct DigitDriftResult: Sendable, Codable, Equatable {
    public var variant: String
    public var rocAUC: Double
    public var averagePrecision: Double
    /// ROC-AUC within each segment (one normal digit).
    public var segmentAUC: [Double]
    /// ROC-AUC of the 250-sample windows after the switches (pooled over the switches).
    public var windowAUC: [Double]
    /// ROC-AUC from 2,500 samples after a switch to the next (pooled): the settled level.
    public var settledAUC: Double
    /// Samples after a switch until the pooled window AUC first comes within 0.05 of the
    /// settled level (nil if it never does within a segment).
    public var recovery: Int?

    enum CodingKeys: String, CodingKey {
        case variant, recovery
        case rocAUC = "roc_auc", averagePrecision = "pr_auc", segmentAUC = "segment_auc"
        case windowAUC = "window_auc", settledAUC = "settled_auc"
    }
}

public enum DigitDriftExperiment {
    public static let window = 250

    /// Scores `samples` (row-major, 784 per row) with one key of the variant's model, every
    /// row scored before it is learned, and measures the result against `anomalies`.
    public static func run(
        _ variant: DigitDriftVariant, samples: [Float], anomalies: [Bool], segmentLength: Int
    ) throws -> DigitDriftResult {
        try variant.configuration.validate()
        let d = DigitImages.pixels
        var detector = LocationDetector(configuration: variant.configuration)
        _ = detector.addKey()
        var row = [Float](repeating: 0, count: d)
        var scores = [Double](repeating: 0, count: anomalies.count)
        for t in anomalies.indices {
            var squared: Float = 0
            for j in 0..<d {
                row[j] = samples[t * d + j]
                squared += row[j] * row[j]
            }
            if variant.unitLength && squared > 0 {
                let inverse = 1 / squared.squareRoot()
                for j in 0..<d { row[j] *= inverse }
            }
            scores[t] = detector.process(row: row, slot: 0).score
        }
        return measure(variant.name, scores: scores, anomalies: anomalies, segmentLength: segmentLength)
    }

    static func auc(_ scores: [Double], _ labels: [Bool]) -> Double {
        RankingMetrics(scores: scores, labels: labels).rocAUC ?? .nan
    }

    static func measure(_ name: String, scores: [Double], anomalies: [Bool], segmentLength: Int) -> DigitDriftResult {
        let overall = RankingMetrics(scores: scores, labels: anomalies)
        let segments = anomalies.count / segmentLength
        let segmentAUC = (0..<segments).map { k in
            let range = (k * segmentLength)..<((k + 1) * segmentLength)
            return auc(Array(scores[range]), Array(anomalies[range]))
        }
        // Windows after each switch (segments 1...), pooled over the switches.
        let windows = min(segmentLength / window, 10)
        var windowAUC: [Double] = []
        for i in 0..<windows {
            var s: [Double] = []
            var l: [Bool] = []
            for k in 1..<max(segments, 1) {
                let start = k * segmentLength + i * window
                s += scores[start..<(start + window)]
                l += anomalies[start..<(start + window)]
            }
            windowAUC.append(auc(s, l))
        }
        var settledScores: [Double] = []
        var settledLabels: [Bool] = []
        for k in 1..<max(segments, 1) {
            let range = (k * segmentLength + 2_500)..<((k + 1) * segmentLength)
            settledScores += scores[range]
            settledLabels += anomalies[range]
        }
        let settled = auc(settledScores, settledLabels)
        let recovery = windowAUC.firstIndex { $0 >= settled - 0.05 }.map { ($0 + 1) * window }
        return DigitDriftResult(
            variant: name, rocAUC: overall.rocAUC ?? .nan, averagePrecision: overall.averagePrecision ?? .nan,
            segmentAUC: segmentAUC, windowAUC: windowAUC, settledAUC: settled, recovery: recovery)
    }
}
