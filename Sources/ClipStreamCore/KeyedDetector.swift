/// A per-key streaming detector the engine can host: it owns the state of many keys, scores
/// each row before learning from it, and never shares state between keys.
///
/// The seam for new models (a regression per key, several horizons, another calibration):
/// the engine routes, batches and parallelizes; a conforming type does the per-row work in
/// ``process(rows:rowStride:order:slots:results:explainCount:attribution:topIndices:topShares:)``, called
/// once per batch and shard, so the protocol's dynamic dispatch never sits in the row loop.
public protocol KeyedDetector: Sendable {
    /// The validated configuration every key of the detector runs under.
    var configuration: Configuration { get }
    /// Number of keys held.
    var keyCount: Int { get }
    /// Bytes of model state per key.
    var bytesPerKey: Int { get }
    /// Adds a key and returns its dense slot (`keyCount - 1` after the call).
    mutating func addKey() -> Int
    /// Scores and then learns the rows listed in `order`, in that order.
    ///
    /// - Parameters:
    ///   - rows: row `i` at `rows + i * rowStride`, finite values.
    ///   - order: indices of the rows to process, in input order.
    ///   - slots: each row's key slot, indexed like `rows`.
    ///   - results: output, one per entry of `order` in the same sequence (`results[n]` is row
    ///     `order[n]`'s), so each shard writes a contiguous range and no two threads write one
    ///     cache line.
    ///   - explainCount: `k` of the top-k attribution (0 for none).
    ///   - attribution: which rows get the attribution; the others may skip it (their outputs
    ///     are then indices `0..<k` with shares 0). For callers that show only some rows.
    ///   - topIndices, topShares: `k` outputs per row, indexed like `rows`.
    mutating func process(
        rows: UnsafePointer<Float>, rowStride: Int, order: UnsafeBufferPointer<Int32>,
        slots: UnsafePointer<Int32>, results: UnsafeMutablePointer<RowScore>,
        explainCount: Int, attribution: AttributionScope, topIndices: UnsafeMutablePointer<Int32>,
        topShares: UnsafeMutablePointer<Float>)
    /// A copy of one key's complete state.
    func snapshot(slot: Int) -> KeySnapshot
    /// Overwrites one key's state with a snapshot taken from a detector of the same
    /// configuration.
    mutating func restore(_ snapshot: KeySnapshot, slot: Int)
    /// `Float`s per key in a snapshot.
    var valuesPerKey: Int { get }
    /// Returns a slot to the state of a key that has seen nothing (for a new key in an evicted
    /// key's slot).
    mutating func resetKey(slot: Int)
}

extension KeyedDetector {
    /// Scores and then learns the rows listed in `order`, attributing every row.
    public mutating func process(
        rows: UnsafePointer<Float>, rowStride: Int, order: UnsafeBufferPointer<Int32>,
        slots: UnsafePointer<Int32>, results: UnsafeMutablePointer<RowScore>,
        explainCount: Int, topIndices: UnsafeMutablePointer<Int32>,
        topShares: UnsafeMutablePointer<Float>
    ) {
        process(
            rows: rows, rowStride: rowStride, order: order, slots: slots, results: results,
            explainCount: explainCount, attribution: .everyRow, topIndices: topIndices,
            topShares: topShares)
    }

    /// Scores and learns one row of key `slot` (convenience for tests and small callers).
    public mutating func process(row: [Float], slot: Int) -> RowScore {
        precondition(row.count == configuration.dimension, "row width must equal the dimension")
        var result = RowScore.empty
        var index: Int32 = 0
        var slot32 = Int32(slot)
        var topIndex: Int32 = 0
        var topShare: Float = 0
        row.withUnsafeBufferPointer { x in
            withUnsafePointer(to: &index) { order in
                process(
                    rows: x.baseAddress.unsafelyUnwrapped, rowStride: row.count,
                    order: UnsafeBufferPointer(start: order, count: 1), slots: &slot32,
                    results: &result, explainCount: 0, topIndices: &topIndex, topShares: &topShare)
            }
        }
        return result
    }
}

extension LocationDetector: KeyedDetector {
    /// Number of keys held.
    public var keyCount: Int { bank.keyCount }
    /// Bytes of model state per key: `8 d + 4 lagWidth + 808` (88 bytes of scalars, 720 of score-calibration histogram and block sums).
    public var bytesPerKey: Int { bank.bytesPerKey }
    /// `Float`s per key in a snapshot.
    public var valuesPerKey: Int { bank.valuesPerKey }
}
