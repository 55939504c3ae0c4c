/// Counts of binary decisions against ground-truth labels, and the rates derived from them.
///
/// A decision `true` is an alarm (predicted anomaly); a label `true` is an actual anomaly.
public struct ConfusionCounts: Sendable, Equatable, Hashable {
    /// Alarms on anomalies.
    public var truePositives = 0
    /// Alarms on normal rows.
    public var falsePositives = 0
    /// Silence on normal rows.
    public var trueNegatives = 0
    /// Silence on anomalies (missed anomalies).
    public var falseNegatives = 0

    /// Creates all-zero counts.
    public init() {}

    /// Counts paired decisions and labels.
    /// - Parameters:
    ///   - decisions: one decision per row, `true` for an alarm.
    ///   - labels: one label per row (as many as `decisions`, checked), `true` for an anomaly.
    /// - Complexity: O(n).
    public init(decisions: [Bool], labels: [Bool]) {
        precondition(decisions.count == labels.count, "decisions and labels must have equal counts")
        for (decision, label) in zip(decisions, labels) { add(decision: decision, label: label) }
    }

    /// Counts the decisions "alarm when score >= threshold".
    /// - Parameters:
    ///   - scores: one score per row.
    ///   - labels: one label per row (as many as `scores`, checked).
    ///   - threshold: the alarm threshold; NaN scores never alarm.
    /// - Complexity: O(n).
    public init(scores: [Double], labels: [Bool], threshold: Double) {
        precondition(scores.count == labels.count, "scores and labels must have equal counts")
        for (score, label) in zip(scores, labels) {
            add(decision: score >= threshold, label: label)
        }
    }

    /// Counts one more decision.
    /// - Parameters:
    ///   - decision: `true` for an alarm.
    ///   - label: `true` for an anomaly.
    /// - Complexity: O(1).
    public mutating func add(decision: Bool, label: Bool) {
        switch (decision, label) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, false): trueNegatives += 1
        case (false, true): falseNegatives += 1
        }
    }

    /// Number of rows counted.
    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }

    /// TP / (TP + FP): the share of alarms that were anomalies; `nil` when there was no alarm.
    public var precision: Double? {
        let alarms = truePositives + falsePositives
        return alarms == 0 ? nil : Double(truePositives) / Double(alarms)
    }

    /// TP / (TP + FN): the share of anomalies alarmed on; `nil` when there was no anomaly.
    public var recall: Double? {
        let anomalies = truePositives + falseNegatives
        return anomalies == 0 ? nil : Double(truePositives) / Double(anomalies)
    }

    /// FP / (FP + TN): the share of normal rows alarmed on; `nil` when there was no normal row.
    public var falseAlarmRate: Double? {
        let normals = falsePositives + trueNegatives
        return normals == 0 ? nil : Double(falsePositives) / Double(normals)
    }

    /// 2TP / (2TP + FP + FN), the harmonic mean of precision and recall.
    ///
    /// Written in counts so that it is defined (as 0) when there are anomalies but no alarm,
    /// where precision alone is `nil`; `nil` only when there is neither an alarm nor an anomaly.
    public var f1: Double? {
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? nil : Double(2 * truePositives) / Double(denominator)
    }
}
