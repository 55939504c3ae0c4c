import ClipStreamCore
import Dispatch
import Logging

/// Many keyed clipped-SGD detectors, partitioned into shards that run in parallel.
///
/// `shardCount` is a logical partition of the keys by a stable hash (any N >= 1); each batch
/// runs each shard's rows exactly once as one iteration of `DispatchQueue.concurrentPerform`,
/// which uses at most one worker per core. Rows of one key are processed in input order and
/// every row's arithmetic is independent of the shard count, so results are bit-identical for
/// every N.
public final class ShardedEngine {
    /// The validated configuration shared by every key.
    public let configuration: Configuration
    /// Number of shards.
    public let shardCount: Int
    /// Key names and handles.
    public private(set) var router: ShardRouter
    let shards: [Shard]
    /// Batch rows grouped by shard (see `process`); reused across batches.
    private var rowOrder: [Int32]
    /// The most keys held (``limitKeys(to:)``), nil for no limit.
    public private(set) var keyLimit: Int?
    /// Keys evicted so far.
    public private(set) var evictions = 0
    private var recency: KeyRecency
    /// Per shard: slots free for new keys, and slots freed during the current batch.
    private var freeSlots: [[Int32]]
    private var pendingFree: [[Int32]]
    /// `shardCount + 1` offsets into `rowOrder`.
    private var shardOffsets: [Int]
    /// Results in `rowOrder`'s sequence: each shard writes its own contiguous range (rows of
    /// different shards interleave in a batch, and writing `batch.results` directly put
    /// several threads on one cache line), then they are scattered into the batch.
    private var orderedResults: [RowScore]

    /// Creates an engine; validates `configuration`.
    /// - Parameters:
    ///   - shardCount: logical partitions of the keys, at least 1.
    ///   - batchCapacity: the largest batch to expect (sizes per-shard scratch).
    ///   - logger: receives the OpenBLAS thread setting.
    ///   - makeDetector: builds one shard's detector from the validated configuration; the
    ///     default builds the configuration's ``ModelKind`` (``LocationDetector`` or ``RegressionDetector``).
    public init(
        configuration: Configuration, shardCount: Int = 1, batchCapacity: Int = 4096,
        logger: Logger = Logger(label: "clipstream.engine"),
        makeDetector: (Configuration) -> any KeyedDetector = ModelKind.makeDetector
    ) throws(ConfigurationError) {
        try configuration.validate()
        guard shardCount >= 1 && shardCount <= 4096 else {
            throw ConfigurationError(parameter: "shards", requirement: "in 1...4096")
        }
        BLASThreading.useSingleThread(logger: logger)
        self.configuration = configuration
        self.shardCount = shardCount
        router = ShardRouter(shardCount: shardCount)
        shards = (0..<shardCount).map { _ in Shard(detector: makeDetector(configuration)) }
        rowOrder = Array(repeating: 0, count: batchCapacity)
        recency = KeyRecency(shardCount: shardCount)
        freeSlots = Array(repeating: [], count: shardCount)
        pendingFree = Array(repeating: [], count: shardCount)
        shardOffsets = Array(repeating: 0, count: shardCount + 1)
        orderedResults = Array(repeating: .empty, count: batchCapacity)
    }

    /// Number of keys seen.
    public var keyCount: Int { router.keyCount }

    /// Bytes of estimator state per key.
    public var bytesPerKey: Int { shards[0].detector.bytesPerKey }

    /// The handle of `key`, creating its estimator on first sight.
    ///
    /// With a key limit (``limitKeys(to:)``), a new key beyond the limit first evicts the key
    /// seen least recently (its model is dropped; if it comes back it starts afresh).
    /// - Complexity: one dictionary lookup; amortized O(d) for a new key.
    public func handle(for key: String) -> KeyHandle {
        if let existing = router.existingHandle(for: key) {
            if keyLimit != nil { recency.touch(existing) }
            return existing
        }
        if let keyLimit, router.keyCount >= keyLimit, let victim = recency.oldest {
            recency.remove(victim)
            router.remove(victim)
            pendingFree[Int(victim.shard)].append(victim.slot)
            evictions += 1
        }
        let shard = ShardRouter.shard(of: key, shardCount: shardCount)
        let handle: KeyHandle
        if let slot = freeSlots[shard].popLast() {
            handle = router.create(key, inFreedSlot: slot)
            shards[shard].detector.resetKey(slot: Int(slot))
        } else {
            handle = router.handle(for: key).handle
            let slot = shards[Int(handle.shard)].detector.addKey()
            assert(slot == Int(handle.slot))
        }
        if keyLimit != nil { recency.insert(handle) }
        return handle
    }

    /// Keeps at most `limit` keys, evicting the least recently seen one for each new key
    /// beyond it. Eviction order follows the input alone, so results stay identical for every
    /// shard count; a slot freed in a batch is reused only after that batch is processed (the
    /// evicted key's earlier rows in it still use it).
    public func limitKeys(to limit: Int) {
        precondition(limit >= 1 && keyCount == 0, "set the key limit before the first key")
        keyLimit = limit
    }

    /// The name of the key behind `handle`.
    public func name(of handle: KeyHandle) -> String { router.name(of: handle) }

    /// A copy of one shard's detector, for inspection and tests.
    public func detector(ofShard shard: Int) -> any KeyedDetector { shards[shard].detector }

    /// One shard's estimator bank when it runs the default ``LocationDetector`` (else nil).
    public func bank(ofShard shard: Int) -> EstimatorBank? {
        (shards[shard].detector as? LocationDetector)?.bank
    }

    /// Scores and learns every row of `batch`, filling its results.
    /// - Complexity: O(rows * d) spread over the shards; no allocation in steady state.
    public func process(_ batch: inout RowBatch) {
        process(&batch, external: nil)
    }

    /// Scores and learns `batch.count` rows read in place from `rows` (row-major, `dimension`
    /// values each, row `i` for the batch's `i`-th handle, appended with
    /// ``RowBatch/append(handle:)``), filling the batch's results. The rows are not copied, so
    /// the caller's single thread does O(1) work per row and the shards do the rest.
    /// - Precondition: `rows` holds `batch.count * dimension` finite values, unchanged until
    ///   this returns.
    public func process(_ batch: inout RowBatch, rows: UnsafePointer<Float>) {
        process(&batch, external: rows)
    }

    private func process(_ batch: inout RowBatch, external: UnsafePointer<Float>?) {
        let count = batch.count
        defer {
            // Slots freed by evictions in this batch may now take new keys.
            for s in 0..<shardCount where !pendingFree[s].isEmpty {
                freeSlots[s] += pendingFree[s]
                pendingFree[s].removeAll()
            }
        }
        guard count > 0 else { return }
        // Attribution ranks the model's features (the row and its lags).
        precondition(batch.explainCount <= configuration.modelDimension, "explainCount exceeds the model dimension")
        precondition(batch.dimension == configuration.dimension, "batch width must equal the dimension")
        if rowOrder.count < count {
            rowOrder = Array(repeating: 0, count: batch.capacity)
            orderedResults = Array(repeating: .empty, count: batch.capacity)
        }
        let shardCount = self.shardCount
        // Counting sort of the rows by shard, stable, so each shard sees its rows in input order.
        // One flat index array instead of per-shard lists: no per-row access to class state.
        let busy = shardOffsets.withUnsafeMutableBufferPointer { offsets in
            rowOrder.withUnsafeMutableBufferPointer { order in
                batch.shards.withUnsafeBufferPointer { rowShard in
                    for s in 0...shardCount { offsets[s] = 0 }
                    for i in 0..<count { offsets[Int(rowShard[i]) + 1] += 1 }
                    var busy = 0
                    for s in 0..<shardCount {
                        if offsets[s + 1] > 0 { busy += 1 }
                        offsets[s + 1] += offsets[s]
                    }
                    for i in 0..<count {
                        let s = Int(rowShard[i])
                        order[offsets[s]] = Int32(truncatingIfNeeded: i)
                        offsets[s] += 1
                    }
                    // offsets[s] is now the end of shard s; shift back to starts.
                    for s in stride(from: shardCount, to: 0, by: -1) { offsets[s] = offsets[s - 1] }
                    offsets[0] = 0
                    return busy
                }
            }
        }

        let dimension = configuration.dimension
        let explain = batch.explainCount
        shardOffsets.withUnsafeBufferPointer { offsets in
            rowOrder.withUnsafeBufferPointer { order in
                batch.values.withUnsafeBufferPointer { own in
                    batch.slots.withUnsafeBufferPointer { slots in
                        orderedResults.withUnsafeMutableBufferPointer { results in
                            batch.topIndices.withUnsafeMutableBufferPointer { topIndices in
                                batch.topShares.withUnsafeMutableBufferPointer { topShares in
                                    let work = ShardWork(
                                        shards: shards, offsets: offsets, order: order,
                                        values: external ?? own.baseAddress!, dimension: dimension,
                                        slots: slots.baseAddress!, results: results.baseAddress!,
                                        explainCount: explain,
                                        attribution: AttributionScope(above: batch.explainAbove, alerts: batch.explainsAlerts),
                                        topIndices: topIndices.baseAddress ?? placeholderIndex,
                                        topShares: topShares.baseAddress ?? placeholderShare)
                                    if busy <= 1 {
                                        for s in 0..<shardCount { work.run(s) }
                                    } else {
                                        DispatchQueue.concurrentPerform(iterations: shardCount) { s in
                                            work.run(s)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        rowOrder.withUnsafeBufferPointer { order in
            orderedResults.withUnsafeBufferPointer { ordered in
                batch.results.withUnsafeMutableBufferPointer { results in
                    for n in 0..<count { results[Int(order[n])] = ordered[n] }
                }
            }
        }
    }
}

// Targets for empty attribution arrays (explainCount == 0): never read or written.
nonisolated(unsafe) private let placeholderIndex = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
nonisolated(unsafe) private let placeholderShare = UnsafeMutablePointer<Float>.allocate(capacity: 1)

/// The pointers one batch's workers share. Each worker touches only its own shard and the
/// rows listed in that shard's order, so writes never overlap.
private struct ShardWork: @unchecked Sendable {
    let shards: [Shard]
    /// Start of each shard's rows in `order`; shard `s` owns `order[offsets[s]..<offsets[s+1]]`.
    let offsets: UnsafeBufferPointer<Int>
    let order: UnsafeBufferPointer<Int32>
    let values: UnsafePointer<Float>
    let dimension: Int
    let slots: UnsafePointer<Int32>
    /// Results in `order`'s sequence (shard `s` writes from `offsets[s]`).
    let results: UnsafeMutablePointer<RowScore>
    let explainCount: Int
    let attribution: AttributionScope
    let topIndices: UnsafeMutablePointer<Int32>
    let topShares: UnsafeMutablePointer<Float>

    func run(_ s: Int) {
        let rows = UnsafeBufferPointer(rebasing: order[offsets[s]..<offsets[s + 1]])
        guard !rows.isEmpty else { return }
        shards[s].detector.process(
            rows: values, rowStride: dimension, order: rows, slots: slots, results: results + offsets[s],
            explainCount: explainCount, attribution: attribution, topIndices: topIndices,
            topShares: topShares)
    }
}
