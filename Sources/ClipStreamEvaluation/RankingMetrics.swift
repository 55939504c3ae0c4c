/// The threshold-free metrics of one set of rows, from a single sort.
///
/// Calling ``DetectionMetrics``' three functions would sort the same rows three times; on
/// millions of rows the sort is most of the cost, so the tie groups are built once here.
public struct RankingMetrics: Sendable, Equatable {
    /// Rows labelled anomalous.
    public var positives: Int
    /// Rows labelled normal.
    public var negatives: Int
    /// ROC-AUC with ties counting one half; `nil` unless both classes occur.
    public var rocAUC: Double?
    /// Average precision (step-wise PR-AUC); `nil` when there is no positive.
    public var averagePrecision: Double?
    /// The threshold with the best F1; `nil` when there is no positive.
    public var bestF1: OperatingPoint?

    /// Ranks `scores` against `labels`.
    /// - Parameters:
    ///   - scores: one score per row, no NaN (checked).
    ///   - labels: one label per row (checked), `true` for an anomaly.
    /// - Complexity: O(n log n) time, O(n) memory.
    public init(scores: [Double], labels: [Bool]) {
        let groups = ScoreGroups.descending(scores: scores, labels: labels)
        positives = groups.reduce(0) { $0 + $1.positives }
        negatives = groups.reduce(0) { $0 + $1.negatives }
        rocAUC = DetectionMetrics.rocAUC(groups: groups)
        averagePrecision = DetectionMetrics.averagePrecision(groups: groups)
        bestF1 = DetectionMetrics.bestF1OperatingPoint(groups: groups)
    }

    /// Whether the rows hold both anomalies and normal rows: only then are the ranking metrics
    /// informative (with positives alone, AP and best F1 are trivially 1).
    public var hasBothClasses: Bool { positives > 0 && negatives > 0 }
}
