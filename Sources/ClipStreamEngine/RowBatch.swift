import ClipStreamCore

/// A reusable batch of rows and their results, the unit of work of ``ShardedEngine``.
///
/// ## Memory layout
/// `values` holds `capacity * dimension` floats, row-major; per-row arrays (`shards`, `slots`,
/// `results`) have `capacity` entries; attribution arrays have `capacity * explainCount`.
/// Everything is allocated once; ``removeAll()`` keeps the storage.
public struct RowBatch: Sendable {
    /// Features per row.
    public let dimension: Int
    /// Maximum rows per batch.
    public let capacity: Int
    /// `k` of the top-k attribution computed per row (0 for none).
    public let explainCount: Int
    /// Rows whose reported score is at or below this may skip the attribution (indices
    /// `0..<k`, shares 0): for a caller that keeps only the highest scores (a replay's top
    /// anomalies). `-infinity`, the default, attributes every row.
    public var explainAbove = -Double.infinity
    /// Whether every alert is attributed too, whatever `explainAbove` says (for a caller that
    /// writes only the alerts).
    public var explainsAlerts = false
    /// Rows currently held.
    public private(set) var count = 0
    /// Row-major feature values.
    public var values: [Float]
    /// Shard of each row's key.
    public var shards: [Int32]
    /// Slot of each row's key within its shard.
    public var slots: [Int32]
    /// Results, filled by ``ShardedEngine/process(_:)``.
    public var results: [RowScore]
    /// Top-k dimension indices per row, largest share first.
    public var topIndices: [Int32]
    /// Signed shares matching `topIndices`.
    public var topShares: [Float]

    /// Allocates a batch.
    public init(dimension: Int, capacity: Int, explainCount: Int = 0) {
        precondition(dimension >= 1 && capacity >= 1 && explainCount >= 0)
        self.dimension = dimension
        self.capacity = capacity
        self.explainCount = explainCount
        values = Array(repeating: 0, count: capacity * dimension)
        shards = Array(repeating: 0, count: capacity)
        slots = Array(repeating: 0, count: capacity)
        results = Array(repeating: .empty, count: capacity)
        topIndices = Array(repeating: 0, count: capacity * explainCount)
        topShares = Array(repeating: 0, count: capacity * explainCount)
    }

    /// Whether the batch is full.
    public var isFull: Bool { count == capacity }

    /// Appends a row for `handle`; `fill` writes its `dimension` values, which must be finite
    /// (a NaN or infinity stops the process in ``ShardedEngine/process(_:)``: it would poison
    /// the key's model).
    /// If `fill` throws, the row is not added.
    /// - Complexity: O(d); no allocation.
    public mutating func append(
        handle: KeyHandle, fill: (UnsafeMutableBufferPointer<Float>) throws -> Void
    ) rethrows {
        precondition(count < capacity, "batch is full")
        let start = count * dimension
        try values.withUnsafeMutableBufferPointer { all in
            try fill(UnsafeMutableBufferPointer(rebasing: all[start..<start + dimension]))
        }
        shards[count] = handle.shard
        slots[count] = handle.slot
        count += 1
    }

    /// Appends a row copied from `dimension` contiguous values at `row`.
    /// - Complexity: O(d) memory copy; no allocation.
    public mutating func append(handle: KeyHandle, copying row: UnsafePointer<Float>) {
        precondition(count < capacity, "batch is full")
        let start = count * dimension
        let d = dimension
        values.withUnsafeMutableBufferPointer { all in
            (all.baseAddress.unsafelyUnwrapped + start).update(from: row, count: d)
        }
        shards[count] = handle.shard
        slots[count] = handle.slot
        count += 1
    }

    /// Appends a row whose values stay outside the batch, in the contiguous rows handed to
    /// ``ShardedEngine/process(_:rows:)`` (no copy: archive blocks and benchmark buffers are
    /// already row-major `Float`s), or that the caller already wrote into `values` at row
    /// ``count`` (the CSV parser). The batch's own `values` are not touched.
    /// - Complexity: O(1).
    public mutating func append(handle: KeyHandle) {
        precondition(count < capacity, "batch is full")
        shards[count] = handle.shard
        slots[count] = handle.slot
        count += 1
    }

    /// Appends a row from an array of `dimension` values.
    public mutating func append(handle: KeyHandle, values row: [Float]) {
        precondition(row.count == dimension, "row width must equal the dimension")
        append(handle: handle) { target in _ = target.initialize(from: row) }
    }

    /// Removes the most recently appended row (e.g. one whose fields failed to parse).
    public mutating func removeLast() {
        precondition(count > 0, "batch is empty")
        count -= 1
    }

    /// Points row `index` at `handle`.
    public mutating func setHandle(_ handle: KeyHandle, at index: Int) {
        precondition(index < count)
        shards[index] = handle.shard
        slots[index] = handle.slot
    }

    /// Empties the batch, keeping its storage.
    public mutating func removeAll() { count = 0 }

    /// Keeps the rows for which `keep(index)` is true, in order (a stable compaction).
    /// - Complexity: O(count * d); no allocation.
    public mutating func removeRows(keeping keep: (Int) -> Bool) {
        let d = dimension
        var kept = 0
        values.withUnsafeMutableBufferPointer { all in
            let base = all.baseAddress.unsafelyUnwrapped
            for i in 0..<count where keep(i) {
                if kept != i {
                    (base + kept * d).update(from: base + i * d, count: d)
                    shards[kept] = shards[i]
                    slots[kept] = slots[i]
                }
                kept += 1
            }
        }
        count = kept
    }
}
