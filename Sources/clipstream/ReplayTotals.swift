import ClipStreamCore
import ClipStreamIO

/// What a replay reports at the end: counts, alerts per key and the top anomalies with their
/// explanations. Kept in checkpoints, so a resumed run reports the same totals.
struct ReplayTotals: Codable, Equatable {
    /// One of the highest-scoring rows.
    struct Anomaly: Codable, Equatable {
        var row: Int
        var key: String
        var score: Double
        var threshold: Double
        var alert: Bool
        /// Whether the row would have alerted but came late in its run (`--run-alerts`);
        /// optional so that checkpoints written before it still resume.
        var lateInRun: Bool?
        /// Model feature indices of the largest contributions, largest first.
        var features: [Int32]
        /// Their signed shares.
        var shares: [Float]
    }

    var rows = 0
    var alerts = 0
    var withheld = 0
    /// Muted repeats (among `withheld`); optional so that checkpoints written before muting
    /// existed still resume (they decode as `nil`). Fresh totals start at 0, so they compare
    /// equal to totals that have counted only empty batches.
    var mutedCount: Int? = 0
    var muted: Int { mutedCount ?? 0 }
    /// Rows withheld late in their run (among `withheld`); optional like ``mutedCount``.
    var runCappedCount: Int? = 0
    var runCapped: Int { runCappedCount ?? 0 }
    /// Rows with imputed missing values (`--missing impute`) and those values; optional like
    /// ``mutedCount``.
    var imputedRowCount: Int? = 0
    var imputedValueCount: Int? = 0
    var imputedRows: Int { imputedRowCount ?? 0 }
    var imputedValues: Int { imputedValueCount ?? 0 }
    /// Bad rows passed over (`--on-bad-row skip`), by reason.
    var badRowsByReason: [String: Int] = [:]
    var badRows: Int { badRowsByReason.values.reduce(0, +) }
    /// Rows of keys beyond `--max-keys`.
    var rejected = 0
    var alertsPerKey: [String: Int] = [:]
    var top: [Anomaly] = []

    static let topCount = 10

    /// The lowest score that can still enter ``top`` is above this (`-infinity` until it is
    /// full): rows at or below it need neither a look nor an attribution.
    var topFloor: Double {
        top.count == Self.topCount ? top[top.count - 1].score : -.infinity
    }

    /// Counts a batch of scored rows (each row once, whether or not it is shown to ``add``).
    mutating func count(_ counts: RowCounts) {
        rows += counts.rows
        alerts += counts.alerts
        withheld += counts.withheld
        mutedCount = muted + counts.muted
        runCappedCount = runCapped + counts.runCapped
        imputedRowCount = imputedRows + counts.imputedRows
        imputedValueCount = imputedValues + counts.imputedValues
    }

    /// Notes one scored row, already counted: its alert for its key, and the row itself if it
    /// is among the highest scores so far (ties: the earlier row first). Every alert and every
    /// row above ``topFloor`` must come here.
    ///
    /// A row below its threshold (neither an alert nor late in a run) that owes its score
    /// mostly to a lagged copy of an earlier row
    /// (its largest contribution is a feature at or past `ownFeatures`) is an echo: with `L`
    /// lags a spike ranks again on each of the `L` rows after it, and the list showed one
    /// spike's echoes as `f0[t-1]`, `f0[t-2]`, ... . It stays out of the list.
    mutating func add(
        row: Int, key: String, result: RowScore, topIndices: UnsafePointer<Int32>,
        topShares: UnsafePointer<Float>, explainCount: Int, ownFeatures: Int = .max
    ) {
        switch result.decision {
        case .alert: alertsPerKey[key, default: 0] += 1
        // A row late in its run is among the incident's rows: it may rank with the top ones.
        case .withheld: if !result.runCapped { return }
        case .normal: break
        }
        if result.score <= topFloor { return }
        if result.decision == .normal && explainCount > 0 && Int(topIndices[0]) >= ownFeatures && topShares[0] != 0 { return }
        let anomaly = Anomaly(
            row: row, key: key, score: result.score, threshold: result.threshold,
            alert: result.decision == .alert, lateInRun: result.runCapped,
            features: Array(UnsafeBufferPointer(start: topIndices, count: explainCount)),
            shares: Array(UnsafeBufferPointer(start: topShares, count: explainCount)))
        let index = top.firstIndex { $0.score < anomaly.score } ?? top.count
        top.insert(anomaly, at: index)
        if top.count > Self.topCount { top.removeLast() }
    }
}
