/// What the engine decided for one row: the `alert` column of `clipstream score`.
public enum AlertDecision: UInt8, Sendable, Equatable {
    /// `0`: scored and below the threshold.
    case normal = 0
    /// `1`: an alert.
    case alert = 1
    /// Empty: the decision was withheld (warm-up, re-anchoring, a muted repeat, a run past its first `--run-alerts` rows). Counted as no alert.
    case abstained = 2
}

/// Scored, labelled rows of many keys, in stream order, stored column-wise.
///
/// Memory layout: per row a `Double` score, an `Int32` key index and one `UInt8` holding the
/// label (bit 0) and the ``AlertDecision`` (bits 1-2): 13 bytes a row, so ten million rows take
/// 130 MB. Key names are stored once each. An array of per-row structs would pad to 16 bytes
/// and, with a `String` key per row, cost ten times more.
public struct EvaluationRows: Sendable {
    /// Each row's score (higher is more anomalous; never NaN).
    public private(set) var scores: [Double] = []
    /// Each row's key, an index into ``keyNames``.
    public private(set) var keyIndices: [Int32] = []
    /// Each distinct key, in order of first appearance.
    public private(set) var keyNames: [String] = []
    // Bit 0: the label; bits 1-2: the decision's raw value.
    private var flags: [UInt8] = []
    // Read per appended row; one entry per key, never per row. By the name's bytes: `String`
    // equality calls NFC and NFD spellings equal, and `score` models them as two keys.
    private var keyIndexByName: [[UInt8]: Int32] = [:]

    /// Creates an empty set of rows.
    public init() {}

    /// Reserves storage for `rowCount` rows.
    /// - Parameter rowCount: the expected number of rows.
    public mutating func reserveCapacity(_ rowCount: Int) {
        scores.reserveCapacity(rowCount)
        keyIndices.reserveCapacity(rowCount)
        flags.reserveCapacity(rowCount)
    }

    /// Appends one row after every row appended so far.
    /// - Parameters:
    ///   - key: the row's key; a new name gets the next key index.
    ///   - score: the row's score, not NaN (checked).
    ///   - isAnomaly: the row's label.
    ///   - decision: the engine's decision for the row.
    /// - Complexity: amortized O(1) plus one hash of `key`.
    public mutating func append(key: String, score: Double, isAnomaly: Bool, decision: AlertDecision) {
        precondition(!score.isNaN, "scores must not be NaN")
        let index: Int32
        let bytes = Array(key.utf8)
        if let known = keyIndexByName[bytes] {
            index = known
        } else {
            precondition(keyNames.count < Int(Int32.max), "too many keys")
            index = Int32(keyNames.count)
            keyIndexByName[bytes] = index
            keyNames.append(key)
        }
        scores.append(score)
        keyIndices.append(index)
        flags.append((isAnomaly ? 1 : 0) | decision.rawValue << 1)
    }

    /// The number of rows.
    public var count: Int { scores.count }

    /// Whether row `i` is labelled an anomaly.
    public func isAnomaly(_ i: Int) -> Bool { flags[i] & 1 != 0 }

    /// The engine's decision for row `i`.
    public func decision(_ i: Int) -> AlertDecision {
        // Only `append` writes the flags, from a valid decision.
        AlertDecision(rawValue: flags[i] >> 1) ?? .abstained
    }

    /// Row positions grouped by key: key `k`'s rows are `order[starts[k] ..< starts[k + 1]]`,
    /// in stream order.
    /// - Complexity: O(n + keys) time (a stable counting sort), O(n) memory.
    func positionsByKey() -> (starts: [Int], order: [Int]) {
        var starts = [Int](repeating: 0, count: keyNames.count + 1)
        for key in keyIndices { starts[Int(key) + 1] += 1 }
        for k in 0..<keyNames.count { starts[k + 1] += starts[k] }
        var next = starts
        var order = [Int](repeating: 0, count: count)
        for (position, key) in keyIndices.enumerated() {
            order[next[Int(key)]] = position
            next[Int(key)] += 1
        }
        return (starts, order)
    }
}
