import ClipStreamCore

/// One key's scores over time for the HTML report, in bounded memory: rows are summarized in
/// at most `capacity` buckets of equal width (in the key's rows), and two neighbours merge
/// (the width doubles) whenever they run out. Alerts are never merged away: each is kept with
/// its row, score and threshold, so the chart marks every one.
struct ReportSeries {
    struct Bucket {
        /// The key's own row ordinals (0-based) the bucket spans.
        var first: Int
        var last: Int
        var maxScore: Double
        var minScore: Double
        var threshold: Double
        /// Rows labelled anomalous (label `1`) in the bucket, and rows with a label at all.
        var positives: Int
        var labelled: Int

        mutating func merge(_ other: Bucket) {
            last = other.last
            maxScore = max(maxScore, other.maxScore)
            minScore = min(minScore, other.minScore)
            threshold = max(threshold, other.threshold)
            positives += other.positives
            labelled += other.labelled
        }
    }

    struct Alert {
        /// The input's row number and the key's own row ordinal.
        var row: Int
        var ordinal: Int
        var score: Double
        var threshold: Double
        /// The top attributed features (name index, signed share), largest first.
        var top: [(feature: Int32, share: Float)]
    }

    let capacity: Int
    private(set) var buckets: [Bucket] = []
    private(set) var alerts: [Alert] = []
    private(set) var rows = 0
    /// Key rows per bucket.
    private(set) var width = 1
    private var pending: Bucket?
    private var pendingCount = 0

    /// `buckets` grows as rows come (reserving `capacity` up front held some 34 kB per key:
    /// 1.3 GB against 0.36 GB for 200,000 keys of 3 rows).
    init(capacity: Int = 600) {
        self.capacity = capacity
    }

    /// Adds the key's next row (`row` is the input's row number).
    mutating func add(row: Int, result: RowScore, label: Bool?, top: [(feature: Int32, share: Float)]) {
        let ordinal = rows
        rows += 1
        let score = result.score.isFinite ? result.score : 0
        let point = Bucket(
            first: ordinal, last: ordinal, maxScore: score, minScore: score, threshold: result.threshold,
            positives: label == true ? 1 : 0, labelled: label == nil ? 0 : 1)
        if result.decision == .alert {
            alerts.append(Alert(row: row, ordinal: ordinal, score: score, threshold: result.threshold, top: top))
        }
        if pending == nil { pending = point } else { pending!.merge(point) }
        pendingCount += 1
        if pendingCount == width { flush() }
    }

    /// Closes the bucket in progress (call before drawing).
    mutating func flush() {
        guard let bucket = pending else { return }
        buckets.append(bucket)
        pending = nil
        pendingCount = 0
        if buckets.count >= capacity {
            buckets = stride(from: 0, to: buckets.count, by: 2).map { i in
                var merged = buckets[i]
                if i + 1 < buckets.count { merged.merge(buckets[i + 1]) }
                return merged
            }
            width *= 2
        }
    }
}
