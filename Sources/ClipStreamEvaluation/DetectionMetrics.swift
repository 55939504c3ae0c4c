/// Threshold-free quality measures of anomaly scores against ground-truth labels.
///
/// Higher scores mean "more anomalous"; `true` labels are anomalies (positives). All metrics
/// group tied scores, so they do not depend on the order of rows with equal scores.
public enum DetectionMetrics {
    /// The area under the ROC curve: the probability that a random positive outscores a random
    /// negative, ties counting one half.
    ///
    /// Computed as the Mann-Whitney U statistic with midranks: walking distinct scores from the
    /// highest down, a group with `p` positives and `n` negatives adds `p` times the negatives
    /// scored strictly below it plus `p * n / 2`; the sum is divided by `P * N`.
    /// - Parameters:
    ///   - scores: one score per row, no NaN (checked).
    ///   - labels: one label per row (checked), `true` for a positive.
    /// - Returns: the AUC in [0, 1], or `nil` when labels hold only one class (or are empty).
    /// - Complexity: O(n log n) time, O(n) memory.
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double? {
        rocAUC(groups: ScoreGroups.descending(scores: scores, labels: labels))
    }

    /// ``rocAUC(scores:labels:)`` of rows already grouped by ``ScoreGroups/descending(scores:labels:)``.
    static func rocAUC(groups: [ScoreGroup]) -> Double? {
        let positives = groups.reduce(0) { $0 + $1.positives }
        let negatives = groups.reduce(0) { $0 + $1.negatives }
        guard positives > 0, negatives > 0 else { return nil }
        var negativesAtOrAbove = 0
        var wins = 0.0
        for group in groups {
            negativesAtOrAbove += group.negatives
            let negativesBelow = negatives - negativesAtOrAbove
            wins +=
                Double(group.positives) * (Double(negativesBelow) + 0.5 * Double(group.negatives))
        }
        return wins / (Double(positives) * Double(negatives))
    }

    /// Average precision: the precision-recall curve summarized step-wise, as scikit-learn's
    /// `average_precision_score` does (no interpolation).
    ///
    /// Thresholds are the distinct scores, descending; at each, rows with score >= threshold are
    /// predicted positive, and the sum of `(R_k - R_{k-1}) * P_k` is returned. A group of `p`
    /// positives raises recall by `p / P`, which is how it is accumulated (no subtraction).
    /// - Parameters:
    ///   - scores: one score per row, no NaN (checked).
    ///   - labels: one label per row (checked), `true` for a positive.
    /// - Returns: the average precision in [0, 1], or `nil` when there is no positive.
    /// - Complexity: O(n log n) time, O(n) memory.
    public static func averagePrecision(scores: [Double], labels: [Bool]) -> Double? {
        averagePrecision(groups: ScoreGroups.descending(scores: scores, labels: labels))
    }

    /// ``averagePrecision(scores:labels:)`` of rows already grouped by score.
    static func averagePrecision(groups: [ScoreGroup]) -> Double? {
        let positives = groups.reduce(0) { $0 + $1.positives }
        guard positives > 0 else { return nil }
        var truePositives = 0
        var predicted = 0
        var sum = 0.0
        for group in groups {
            truePositives += group.positives
            predicted += group.positives + group.negatives
            let precision = Double(truePositives) / Double(predicted)
            sum += Double(group.positives) / Double(positives) * precision
        }
        return sum
    }

    /// The best F1 score over all thresholds (predict positive when score >= threshold).
    /// - Parameters:
    ///   - scores: one score per row, no NaN (checked).
    ///   - labels: one label per row (checked), `true` for a positive.
    /// - Returns: the highest F1 in [0, 1], or `nil` when there is no positive.
    /// - Complexity: O(n log n) time, O(n) memory.
    public static func bestF1(scores: [Double], labels: [Bool]) -> Double? {
        bestF1OperatingPoint(scores: scores, labels: labels)?.counts.f1
    }

    /// The threshold with the best F1 score and the confusion counts it gives.
    ///
    /// Candidate thresholds are the distinct scores; among equal F1 scores the highest threshold
    /// (fewest alarms) wins.
    /// - Parameters:
    ///   - scores: one score per row, no NaN (checked).
    ///   - labels: one label per row (checked), `true` for a positive.
    /// - Returns: the best operating point, or `nil` when there is no positive.
    /// - Complexity: O(n log n) time, O(n) memory.
    public static func bestF1OperatingPoint(scores: [Double], labels: [Bool]) -> OperatingPoint? {
        bestF1OperatingPoint(groups: ScoreGroups.descending(scores: scores, labels: labels))
    }

    /// ``bestF1OperatingPoint(scores:labels:)`` of rows already grouped by score.
    static func bestF1OperatingPoint(groups: [ScoreGroup]) -> OperatingPoint? {
        let positives = groups.reduce(0) { $0 + $1.positives }
        let negatives = groups.reduce(0) { $0 + $1.negatives }
        guard positives > 0 else { return nil }
        var counts = ConfusionCounts()
        counts.falseNegatives = positives
        counts.trueNegatives = negatives
        var best: OperatingPoint? = nil
        var bestF1 = -1.0
        for group in groups {
            counts.truePositives += group.positives
            counts.falseNegatives -= group.positives
            counts.falsePositives += group.negatives
            counts.trueNegatives -= group.negatives
            // F1 = 2TP / (2TP + FP + FN) is defined here because positives > 0.
            let f1 = counts.f1 ?? 0
            if f1 > bestF1 {
                bestF1 = f1
                best = OperatingPoint(threshold: group.score, counts: counts)
            }
        }
        return best
    }
}

/// A decision threshold and the confusion counts it produces on a labelled set.
public struct OperatingPoint: Sendable, Equatable {
    /// Rows with score >= `threshold` are predicted positive.
    public var threshold: Double
    /// The counts of decisions at this threshold.
    public var counts: ConfusionCounts

    /// Creates an operating point.
    /// - Parameters:
    ///   - threshold: rows scoring at least this are predicted positive.
    ///   - counts: the confusion counts at that threshold.
    public init(threshold: Double, counts: ConfusionCounts) {
        self.threshold = threshold
        self.counts = counts
    }
}
