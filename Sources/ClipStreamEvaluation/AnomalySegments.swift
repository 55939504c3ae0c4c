/// A maximal run of consecutive anomalous rows of one key, and whether an alert caught it.
public struct AnomalySegment: Sendable, Equatable {
    /// Position of the segment's first row in its key's row sequence (0-based).
    public var start: Int
    /// Number of rows in the segment (at least 1).
    public var length: Int
    /// Rows from the segment's first row to its first alert (0: the first row alerted), or
    /// `nil` when no row of the segment alerted.
    public var detectionDelay: Int?

    /// Creates a segment.
    /// - Parameters:
    ///   - start: position of the first row in the key's rows.
    ///   - length: rows in the segment.
    ///   - detectionDelay: rows to the first alert, `nil` when missed.
    public init(start: Int, length: Int, detectionDelay: Int?) {
        self.start = start
        self.length = length
        self.detectionDelay = detectionDelay
    }
}

/// Finding the anomaly segments of one key's rows.
///
/// Labelled anomalies in telemetry come in episodes (an attack, an outage) that an operator
/// needs to hear about once, early; row-wise recall rewards alerting on every row of a long
/// episode and hides missed short ones. Segment recall and detection delay measure that instead.
public enum AnomalySegments {
    /// The maximal runs of `true` labels in one key's rows.
    /// - Parameters:
    ///   - labels: the key's labels in row order, `true` for an anomaly.
    ///   - alerts: whether each row alerted (as many as `labels`, checked); abstentions are `false`.
    /// - Returns: the segments in row order; a segment's delay counts rows inside it only, so an
    ///   alert just before a segment does not detect it.
    /// - Complexity: O(n) time; allocates the result only.
    public static func find(labels: [Bool], alerts: [Bool]) -> [AnomalySegment] {
        precondition(labels.count == alerts.count, "labels and alerts must have equal counts")
        var segments: [AnomalySegment] = []
        var open: AnomalySegment?  // the run the previous row belongs to, if it was anomalous
        for i in labels.indices {
            guard labels[i] else {
                if let run = open { segments.append(run) }
                open = nil
                continue
            }
            var run = open ?? AnomalySegment(start: i, length: 0, detectionDelay: nil)
            if alerts[i] && run.detectionDelay == nil { run.detectionDelay = run.length }
            run.length += 1
            open = run
        }
        if let run = open { segments.append(run) }
        return segments
    }
}
