/// The mean of one metric over the keys where it is defined, and how many keys that was.
public struct KeyMean: Sendable, Equatable {
    /// The mean, `nil` when no key counted.
    public var value: Double?
    /// Keys averaged over.
    public var keys: Int

    /// The mean of `values`, ignoring `nil`s.
    /// - Parameter values: one entry per key, `nil` where the metric is undefined for the key.
    /// - Complexity: O(n).
    public init(_ values: [Double?]) {
        let defined = values.compactMap { $0 }
        keys = defined.count
        value = defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
    }
}

/// Metrics averaged over keys, each key weighing the same whatever its row count.
///
/// The pooled figures rank all rows together, so a few busy keys dominate them and a score
/// offset between keys costs AUC even when each key ranks its own rows perfectly; the key means
/// show how a typical key fares.
public struct KeyMeans: Sendable, Equatable {
    /// Mean ROC-AUC over keys with both classes.
    public var rocAUC: KeyMean
    /// Mean average precision over keys with both classes.
    public var averagePrecision: KeyMean
    /// Mean best F1 over keys with both classes.
    public var bestF1: KeyMean
    /// Mean precision over keys with at least one alert.
    public var precision: KeyMean
    /// Mean recall over keys with at least one anomaly.
    public var recall: KeyMean
    /// Mean false-alarm rate over keys with at least one normal row.
    public var falseAlarmRate: KeyMean
    /// Mean segment recall over keys with at least one anomaly segment.
    public var segmentRecall: KeyMean
    /// Mean of the keys' median detection delays, over keys with a detected segment.
    public var medianDetectionDelay: KeyMean

    /// Averages the metrics of `keys`.
    /// - Parameter keys: one entry per key.
    /// - Complexity: O(keys).
    public init(keys: [EvaluationMetrics]) {
        // A key with one class has no ROC-AUC, and a trivial AP and best F1 (1 with positives
        // only): averaging those would reward keys that never see a normal row.
        let ranked = keys.filter(\.ranking.hasBothClasses)
        rocAUC = KeyMean(ranked.map(\.ranking.rocAUC))
        averagePrecision = KeyMean(ranked.map(\.ranking.averagePrecision))
        bestF1 = KeyMean(ranked.map { $0.ranking.bestF1?.counts.f1 })
        precision = KeyMean(keys.map(\.alerts.counts.precision))
        recall = KeyMean(keys.map(\.alerts.counts.recall))
        falseAlarmRate = KeyMean(keys.map(\.alerts.counts.falseAlarmRate))
        segmentRecall = KeyMean(keys.map(\.alerts.segmentRecall))
        medianDetectionDelay = KeyMean(keys.map(\.alerts.medianDetectionDelay))
    }
}
