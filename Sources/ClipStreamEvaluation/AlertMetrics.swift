/// Quality of the engine's own alert decisions: row-wise counts, anomaly segments caught and
/// how fast.
///
/// Abstentions (withheld decisions) count as "no alert": a withheld anomaly is missed and a
/// withheld normal row is a true negative, because an operator hears nothing in both cases.
public struct AlertMetrics: Sendable, Equatable {
    /// Alerts against labels, abstentions counted as no alert.
    public var counts = ConfusionCounts()
    /// Rows whose decision was withheld.
    public var abstentions = 0
    /// Labelled anomaly segments (maximal runs of anomalous rows of one key).
    public var segments = 0
    /// One entry per segment with at least one alert: rows from its start to its first alert.
    public var detectionDelays: [Int] = []

    /// Creates empty metrics, to ``merge(_:)`` others into.
    public init() {}

    /// The metrics of one key's rows.
    /// - Parameters:
    ///   - labels: the key's labels in row order, `true` for an anomaly.
    ///   - decisions: the engine's decision for each row (as many as `labels`, checked).
    /// - Complexity: O(n) time and memory.
    public init(labels: [Bool], decisions: [AlertDecision]) {
        precondition(labels.count == decisions.count, "labels and decisions must have equal counts")
        let alerts = decisions.map { $0 == .alert }
        for (label, decision) in zip(labels, decisions) {
            counts.add(decision: decision == .alert, label: label)
            if decision == .abstained { abstentions += 1 }
        }
        let found = AnomalySegments.find(labels: labels, alerts: alerts)
        segments = found.count
        detectionDelays = found.compactMap(\.detectionDelay)
    }

    /// Adds another key's metrics (segments never span keys, so they simply add up).
    /// - Parameter other: metrics of rows not counted here.
    /// - Complexity: O(detected segments of `other`).
    public mutating func merge(_ other: AlertMetrics) {
        counts.truePositives += other.counts.truePositives
        counts.falsePositives += other.counts.falsePositives
        counts.trueNegatives += other.counts.trueNegatives
        counts.falseNegatives += other.counts.falseNegatives
        abstentions += other.abstentions
        segments += other.segments
        detectionDelays += other.detectionDelays
    }

    /// Rows that alerted.
    public var alerts: Int { counts.truePositives + counts.falsePositives }

    /// Segments with at least one alert.
    public var detectedSegments: Int { detectionDelays.count }

    /// Detected segments over all segments; `nil` when there is no segment.
    public var segmentRecall: Double? {
        segments == 0 ? nil : Double(detectedSegments) / Double(segments)
    }

    /// The median detection delay over detected segments, in rows; `nil` when none was detected.
    public var medianDetectionDelay: Double? { Self.median(detectionDelays) }

    /// The median of `values`: the middle value, or the mean of the two middle values of an even
    /// count; `nil` when empty.
    /// - Complexity: O(n log n) (sorts a copy).
    public static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return Double(sorted[middle]) }
        return (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
    }
}
