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
        /// Model feature indices of the largest contributions, largest first.
        var features: [Int32]
        /// Their signed shares.
        var shares: [Float]
    }

    var rows = 0
    var alerts = 0
    var withheld = 0
    /// Bad rows passed over (`--on-bad-row skip`), by reason.
    var badRowsByReason: [String: Int] = [:]
    var badRows: Int { badRowsByReason.values.reduce(0, +) }
    /// Rows of keys beyond `--max-keys`.
    var rejected = 0
    var alertsPerKey: [String: Int] = [:]
    var top: [Anomaly] = []

    static let topCount = 10

    /// Counts one scored row and keeps it if it is among the highest scores so far (ties:
    /// the earlier row first).
    mutating func add(
        row: Int, key: String, result: RowScore, topIndices: UnsafePointer<Int32>,
        topShares: UnsafePointer<Float>, explainCount: Int
    ) {
        rows += 1
        switch result.decision {
        case .alert:
            alerts += 1
            alertsPerKey[key, default: 0] += 1
        case .withheld:
            withheld += 1
            return
        case .normal: break
        }
        if top.count == Self.topCount, let last = top.last, result.score <= last.score { return }
        let anomaly = Anomaly(
            row: row, key: key, score: result.score, threshold: result.threshold,
            alert: result.decision == .alert,
            features: Array(UnsafeBufferPointer(start: topIndices, count: explainCount)),
            shares: Array(UnsafeBufferPointer(start: topShares, count: explainCount)))
        let index = top.firstIndex { $0.score < anomaly.score } ?? top.count
        top.insert(anomaly, at: index)
        if top.count > Self.topCount { top.removeLast() }
    }
}
