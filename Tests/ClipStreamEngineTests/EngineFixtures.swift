import ClipStreamCore
import ClipStreamEngine
import ClipStreamSynthetic
import Logging

/// A logger that drops everything: the engine logs its OpenBLAS setting once per instance,
/// and these tests create hundreds.
let quietLogger = Logger(label: "clipstream.engine.tests") { _ in SwiftLogNoOpLogHandler() }

/// A generated multi-key stream held in memory, so several engines can score the same rows.
struct RecordedStream {
    let dimension: Int
    /// Key name of each row.
    var keys: [String] = []
    /// Row-major values, `dimension` per row.
    var values: [Float] = []
    /// Ground-truth label of each row.
    var labels: [Bool] = []

    var rowCount: Int { keys.count }

    /// An empty recording of rows of `dimension` values.
    init(dimension: Int) { self.dimension = dimension }

    /// Records the whole `HardCaseStream` of `configuration`.
    init(_ configuration: HardCaseConfiguration) throws {
        var stream = try HardCaseStream(configuration: configuration)
        dimension = configuration.dimension
        var row = [Float](repeating: 0, count: dimension)
        while let info = stream.next(into: &row) {
            keys.append(stream.keyNames[info.key])
            values += row
            labels.append(info.isAnomaly)
        }
    }

    /// The rows at `indices`, in that order.
    func subset(_ indices: [Int]) -> RecordedStream {
        var copy = self
        copy.keys = indices.map { keys[$0] }
        copy.labels = indices.map { labels[$0] }
        copy.values = indices.flatMap { values[$0 * dimension..<($0 + 1) * dimension] }
        return copy
    }

    /// The `clipstream demo` stream with another shape (constant columns capped below `dimension`).
    static func hardCase(rows: Int, keys: Int, dimension: Int, seed: UInt64 = 1) throws -> RecordedStream {
        var c = HardCaseConfiguration()
        c.rows = rows
        c.keys = keys
        c.dimension = dimension
        c.seed = seed
        c.constantColumns = min(c.constantColumns, dimension - 1)
        return try RecordedStream(c)
    }
}

/// Everything the engine reports for one row, as raw bits, so `==` means bit-identical.
struct RowRecord: Equatable, CustomStringConvertible {
    var score: UInt64
    var threshold: UInt64
    var decision: UInt8
    var pull: UInt64
    var clipThreshold: UInt64
    var clipped: Bool
    var reanchored: Bool
    var topIndices: [Int32]
    var topShares: [UInt32]

    init(_ r: RowScore, topIndices: [Int32] = [], topShares: [Float] = []) {
        score = r.score.bitPattern
        threshold = r.threshold.bitPattern
        decision = r.decision.rawValue
        pull = r.pull.bitPattern
        clipThreshold = r.clipThreshold.bitPattern
        clipped = r.clipped
        reanchored = r.reanchored
        self.topIndices = topIndices
        self.topShares = topShares.map(\.bitPattern)
    }

    var scoreValue: Double { Double(bitPattern: score) }

    var description: String {
        "score \(Double(bitPattern: score)) threshold \(Double(bitPattern: threshold)) "
            + "decision \(decision) pull \(Double(bitPattern: pull)) "
            + "lambda \(Double(bitPattern: clipThreshold)) clipped \(clipped) top \(topIndices)"
    }
}

/// Scores `stream` with a fresh engine, `batchCapacity` rows per batch, and returns every
/// row's record in input order.
func scoreWithEngine(
    _ stream: RecordedStream, shardCount: Int = 1, batchCapacity: Int = 4096, explainCount: Int = 0,
    configuration: Configuration? = nil
) throws -> [RowRecord] {
    let engine = try ShardedEngine(
        configuration: configuration ?? Configuration(dimension: stream.dimension),
        shardCount: shardCount, batchCapacity: batchCapacity, logger: quietLogger)
    return score(stream, on: engine, batchCapacity: batchCapacity, explainCount: explainCount)
}

/// Scores `stream` on an existing engine (which keeps its keys' state).
func score(
    _ stream: RecordedStream, on engine: ShardedEngine, batchCapacity: Int = 4096, explainCount: Int = 0
) -> [RowRecord] {
    let k = explainCount
    var records: [RowRecord] = []
    records.reserveCapacity(stream.rowCount)
    forEachBatch(of: stream, on: engine, batchCapacity: batchCapacity, explainCount: k) { batch in
        engine.process(&batch)
        for i in 0..<batch.count {
            records.append(RowRecord(
                batch.results[i], topIndices: Array(batch.topIndices[i * k..<(i + 1) * k]),
                topShares: Array(batch.topShares[i * k..<(i + 1) * k])))
        }
    }
    return records
}

/// Cuts `stream` into batches of `batchCapacity` rows in input order (keys resolved on
/// `engine`) and hands each, unprocessed, to `body`.
func forEachBatch(
    of stream: RecordedStream, on engine: ShardedEngine, batchCapacity: Int, explainCount: Int,
    _ body: (inout RowBatch) -> Void
) {
    let d = stream.dimension
    var batch = RowBatch(dimension: d, capacity: batchCapacity, explainCount: explainCount)
    var next = 0
    while next < stream.rowCount {
        batch.removeAll()
        while !batch.isFull && next < stream.rowCount {
            batch.append(
                handle: engine.handle(for: stream.keys[next]),
                values: Array(stream.values[next * d..<(next + 1) * d]))
            next += 1
        }
        body(&batch)
    }
}

/// The first row where two runs differ, or nil when they are bit-identical.
func firstDifference(_ a: [RowRecord], _ b: [RowRecord]) -> String? {
    guard a.count == b.count else { return "row counts differ: \(a.count) vs \(b.count)" }
    guard let i = a.indices.first(where: { a[$0] != b[$0] }) else { return nil }
    return "row \(i): \(a[i]) vs \(b[i])"
}
