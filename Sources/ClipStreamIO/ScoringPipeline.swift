import ClipStreamCore
import ClipStreamEngine
import Logging

/// Options of a CSV scoring run.
public struct ScoringOptions: Sendable {
    /// Header name of the key column.
    public var keyColumn = "key"
    /// Header name of a label column to echo, if any.
    public var labelColumn: String?
    /// Header name of a time column to echo, if any.
    public var timeColumn: String?
    /// `k` of the top-k explanation (0: none).
    public var explainCount = 0
    /// Whether to write `pull,lambda,clipped`.
    public var audit = false
    /// Rows per engine batch.
    public var batchCapacity = 4096
    /// Logical key partitions.
    public var shardCount = 1

    /// Default options.
    public init() {}
}

/// Totals of a scoring run.
public struct ScoringSummary: Sendable, Equatable {
    /// Data rows scored.
    public var rows = 0
    /// Distinct keys.
    public var keys = 0
    /// Rows with `alert = 1`.
    public var alerts = 0
    /// Rows whose decision was withheld.
    public var withheld = 0
}

/// Reads CSV rows, scores them in batches on a ``ShardedEngine`` and writes one output line per
/// row, in input order.
///
/// Streams: memory is bounded by the batch and the reader's line limit. When the input stalls
/// (a pipe with nothing to read), the pending batch is scored and the output flushed before the
/// reader blocks, so each row's line appears promptly. On a bad row every good row before it is
/// written and flushed, then the error is thrown.
public final class ScoringPipeline {
    private let reader: CSVReader
    private let output: OutputBuffer
    private let options: ScoringOptions
    private let makeConfiguration: (Int) throws -> Configuration
    private let logger: Logger

    /// Prepares a run.
    /// - Parameters:
    ///   - logger: receives the engine's diagnostics (the OpenBLAS thread setting).
    ///   - makeConfiguration: builds the validated configuration for the header's feature count.
    public init(
        reader: CSVReader, output: OutputBuffer, options: ScoringOptions,
        logger: Logger = Logger(label: "clipstream"),
        makeConfiguration: @escaping (Int) throws -> Configuration
    ) {
        self.reader = reader
        self.output = output
        self.options = options
        self.logger = logger
        self.makeConfiguration = makeConfiguration
    }

    /// Runs to the end of the input.
    /// - Throws: ``InputError`` for bad input (after writing every good row before it),
    ///   ``OutputError``, or the configuration's error.
    public func run() throws -> ScoringSummary {
        guard try reader.next(blocking: true) == .record else { throw InputError.emptyInput }
        var header: [String] = []
        for i in 0..<reader.fieldCount {
            guard let name = reader.string(at: i) else {
                throw InputError.invalidUTF8(line: reader.lineNumber, column: "#\(i + 1)")
            }
            header.append(name)
        }
        let schema = try CSVSchema(
            header: header, keyColumn: options.keyColumn, labelColumn: options.labelColumn,
            timeColumn: options.timeColumn)
        let configuration = try makeConfiguration(schema.featureColumns.count)
        let capacity = Self.batchCapacity(
            requested: options.batchCapacity, dimension: schema.featureColumns.count,
            explainCount: options.explainCount)
        let engine = try ShardedEngine(
            configuration: configuration, shardCount: options.shardCount,
            batchCapacity: capacity, logger: logger)
        let writer = ScoreRowWriter(
            hasLabel: schema.labelColumn != nil, hasTime: schema.timeColumn != nil,
            explainCount: options.explainCount, audit: options.audit,
            featureNames: schema.featureNames)
        output.write(writer.header)
        var state = RunState(
            schema: schema, engine: engine, writer: writer, capacity: capacity,
            explainCount: options.explainCount)
        do {
            try readAll(into: &state)
        } catch {
            drain(&state)
            try? output.flush()
            throw error
        }
        drain(&state)
        try output.flush()
        if state.summary.rows == 0 { throw InputError.headerOnly }
        state.summary.keys = engine.keyCount
        return state.summary
    }

    /// Rows per batch: the requested count, lowered so one batch's values and attribution stay
    /// within 16 MiB (a 100,000-column header would otherwise make a 4,096-row batch 1.6 GB).
    static func batchCapacity(requested: Int, dimension: Int, explainCount: Int) -> Int {
        let bytesPerRow = 4 * (dimension + 2 * explainCount) + 64
        return max(1, min(requested, (16 << 20) / bytesPerRow))
    }

    private func readAll(into state: inout RunState) throws {
        while true {
            var result = try reader.next(blocking: false)
            if result == .wouldBlock {
                drain(&state)
                try output.flush()
                result = try reader.next(blocking: true)
            }
            guard result == .record else { return }
            try state.append(from: reader)
            if state.batch.isFull { drain(&state) }
        }
    }

    /// Scores the pending rows and writes their lines.
    private func drain(_ state: inout RunState) {
        guard state.batch.count > 0 else { return }
        state.engine.process(&state.batch)
        state.writeResults(to: output)
        state.reset()
    }
}

/// The mutable state of one run: the batch, the echoed bytes, the counters.
private struct RunState {
    let schema: CSVSchema
    let engine: ShardedEngine
    var writer: ScoreRowWriter
    var batch: RowBatch
    var rowNumbers: [Int]
    /// Raw bytes of echoed fields (label, time) of the batch's rows.
    var echo: [UInt8] = []
    /// Per row: start and end of the label, then of the time, in `echo`.
    var echoRanges: [Int]
    var dataRow = 0
    var summary = ScoringSummary()
    private let placeholder = KeyHandle(shard: 0, slot: 0)

    init(schema: CSVSchema, engine: ShardedEngine, writer: ScoreRowWriter, capacity: Int, explainCount: Int) {
        self.schema = schema
        self.engine = engine
        self.writer = writer
        batch = RowBatch(
            dimension: schema.featureColumns.count, capacity: capacity, explainCount: explainCount)
        rowNumbers = Array(repeating: 0, count: capacity)
        echoRanges = Array(repeating: 0, count: capacity * 4)
        echo.reserveCapacity(capacity * 16)
    }

    /// Parses the reader's current record into the batch; nothing is added if it is bad.
    mutating func append(from reader: CSVReader) throws(InputError) {
        dataRow += 1
        let line = reader.lineNumber
        guard reader.fieldCount == schema.columnNames.count else {
            throw .wrongFieldCount(line: line, expected: schema.columnNames.count, found: reader.fieldCount)
        }
        let schema = self.schema
        do {
            try batch.append(handle: placeholder) { (row: UnsafeMutableBufferPointer<Float>) throws(InputError) in
                for (f, column) in schema.featureColumns.enumerated() {
                    switch reader.float(at: column) {
                    case .value(let v): row[f] = v
                    case .empty:
                        throw .emptyField(line: line, column: schema.columnNames[column])
                    case .nonNumeric:
                        throw .nonNumeric(
                            line: line, column: schema.columnNames[column], text: Self.text(reader, column))
                    case .nonFinite:
                        throw .nonFinite(
                            line: line, column: schema.columnNames[column], text: Self.text(reader, column))
                    }
                }
            }
        } catch let error as InputError {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
        let keyName = schema.columnNames[schema.keyColumn]
        guard let key = reader.string(at: schema.keyColumn) else {
            batch.removeLast()
            throw .invalidUTF8(line: line, column: keyName)
        }
        if key.isEmpty {
            batch.removeLast()
            throw .emptyKey(line: line, column: keyName)
        }
        let index = batch.count - 1
        batch.setHandle(engine.handle(for: key), at: index)
        rowNumbers[index] = dataRow
        echoField(reader, schema.labelColumn, slot: index * 4)
        echoField(reader, schema.timeColumn, slot: index * 4 + 2)
    }

    private mutating func echoField(_ reader: CSVReader, _ column: Int?, slot: Int) {
        let start = echo.count
        if let column { reader.withField(column) { echo.append(contentsOf: $0) } }
        echoRanges[slot] = start
        echoRanges[slot + 1] = echo.count
    }

    private static func text(_ reader: CSVReader, _ column: Int) -> String {
        reader.withField(column) { String(decoding: $0, as: UTF8.self) }
    }

    mutating func writeResults(to output: OutputBuffer) {
        let k = batch.explainCount
        echo.withUnsafeBytes { echoBytes in
            batch.topIndices.withUnsafeBufferPointer { indices in
                batch.topShares.withUnsafeBufferPointer { shares in
                    for i in 0..<batch.count {
                        let result = batch.results[i]
                        let handle = KeyHandle(shard: batch.shards[i], slot: batch.slots[i])
                        let label = UnsafeRawBufferPointer(
                            rebasing: echoBytes[echoRanges[i * 4]..<echoRanges[i * 4 + 1]])
                        let time = UnsafeRawBufferPointer(
                            rebasing: echoBytes[echoRanges[i * 4 + 2]..<echoRanges[i * 4 + 3]])
                        writer.write(
                            row: rowNumbers[i], key: engine.name(of: handle), result: result,
                            label: label, time: time,
                            topIndices: (indices.baseAddress ?? Self.noIndex) + i * k,
                            topShares: (shares.baseAddress ?? Self.noShare) + i * k, to: output)
                        summary.rows += 1
                        if result.decision == .alert { summary.alerts += 1 }
                        if result.decision == .withheld { summary.withheld += 1 }
                    }
                }
            }
        }
    }

    mutating func reset() {
        batch.removeAll()
        echo.removeAll(keepingCapacity: true)
    }

    // Never dereferenced: used when explainCount == 0 and the attribution arrays are empty.
    nonisolated(unsafe) private static let noIndex = UnsafePointer<Int32>(bitPattern: 8)!
    nonisolated(unsafe) private static let noShare = UnsafePointer<Float>(bitPattern: 8)!
}
