import ClipStreamCore
import ClipStreamEngine
import Dispatch
import Foundation
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
    /// Whether to write only the rows that alert (every row is still scored and learned, and
    /// keeps its row number).
    public var alertsOnly = false
    /// Rows per engine batch.
    public var batchCapacity = 4096
    /// Logical key partitions.
    public var shardCount = 1
    /// Only rows of this partition's keys are scored and written; the others are skipped
    /// (their values unread) and keep their row numbers free.
    public var partition: KeyPartition?
    /// Data rows to pass over unread at the start (resuming from a checkpoint); they keep
    /// their numbers.
    public var skipRows = 0
    /// Whether to write the output's header line (not when appending to a resumed output).
    public var writesHeader = true
    /// What to do with a bad row.
    public var badRowPolicy = BadRowPolicy.fail
    /// The most keys a run models; rows of further keys are rejected (not scored, not written,
    /// counted). Nil: no limit.
    public var maxKeys: Int?
    /// With `maxKeys`: evict the least recently seen key for a new one instead of rejecting
    /// the new key's rows (every row is scored).
    public var evictsIdle = false
    /// Length to cut an existing quarantine file to before appending (a resumed run's
    /// checkpoint); 0 starts it afresh.
    public var quarantineOffset = 0
    /// Top-k attribution computed per row for an observer (written only up to `explainCount`).
    public var observedExplainCount = 0
    /// Threads that format a batch's output lines and check and copy an archive block's rows
    /// concurrently, besides the reader and writer threads (nil: ``defaultIOWorkers``). The
    /// output is the same for any count.
    public var ioWorkers: Int?

    /// All cores on a machine of at least 4; one (no splitting) on smaller ones, where the
    /// engine's workers, the reader and the writer already take every core and splitting
    /// only adds hand-overs. `CLIPSTREAM_IO_WORKERS` in the environment overrides it (for
    /// measurements).
    public static var defaultIOWorkers: Int {
        if let text = ProcessInfo.processInfo.environment["CLIPSTREAM_IO_WORKERS"], let n = Int(text), n >= 1 {
            return n
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return cores >= 4 ? cores : 1
    }

    /// Default options.
    public init() {}
}

/// Totals of a scoring run.
public struct ScoringSummary: Sendable, Equatable {
    /// What the scored rows decided.
    public var counts = RowCounts()
    /// Data rows scored.
    public var rows: Int { counts.rows }
    /// Distinct keys.
    public var keys = 0
    /// Rows with `alert = 1`.
    public var alerts: Int { counts.alerts }
    /// Rows whose decision was withheld (muted repeats and capped runs included).
    public var withheld: Int { counts.withheld }
    /// Rows that would have alerted but repeat their key's habit (``RowScore/muted``).
    public var muted: Int { counts.muted }
    /// Rows that would have alerted but come late in their run (``RowScore/runCapped``).
    public var runCapped: Int { counts.runCapped }
    /// Bad rows passed over (`--on-bad-row skip`), by reason (``InputError/reason``).
    public var skipped: [String: Int] = [:]
    /// All bad rows passed over.
    public var skippedTotal: Int { skipped.values.reduce(0, +) }
    /// Rows of keys beyond `maxKeys`, rejected.
    public var rejected = 0
    /// Keys evicted (`evictsIdle`).
    public var evicted = 0
}

/// Where a run stands after a batch.
public struct StreamPosition: Sendable, Equatable {
    /// Data records consumed from the input (skipped, other partitions' and scored rows).
    public var dataRows: Int
    /// Input bytes consumed (compressed bytes for gzip), for progress.
    public var inputBytes: Int
    /// Output bytes produced by this run so far (flushed or not).
    public var outputBytes: Int
    /// Bad rows passed over by this run so far, by reason.
    public var skipped: [String: Int] = [:]
    /// Bytes this run has written to the quarantine file (all of them written out).
    public var quarantineBytes = 0
    /// Rows of keys beyond `--max-keys` this run rejected.
    public var rejected = 0
    /// Whether the batch's lines are in the output buffer and ``outputBytes`` counts them. When
    /// false (the observer did not ask for the output, see
    /// ``ScoringObserver/wantsOutput(at:)``), the lines may still be being encoded on the
    /// writer thread: `outputBytes` is a lower bound and the output must not be touched.
    public var outputComplete = true

    /// A position.
    public init(dataRows: Int, inputBytes: Int, outputBytes: Int) {
        self.dataRows = dataRows
        self.inputBytes = inputBytes
        self.outputBytes = outputBytes
    }
}

/// Receives a run's rows and batch boundaries, on the scoring thread.
public protocol ScoringObserver: AnyObject {
    /// Rows that did not alert and score at or below this are only counted (``counted(_:)``),
    /// not shown to ``scored(row:key:result:label:topIndices:topShares:explainCount:)``, and
    /// their attribution is skipped unless the output asks for it: an observer that keeps only
    /// the highest scores raises it as it fills up. Read once per batch, before the batch is
    /// scored. `-infinity` (the default) shows every row.
    var scoreFloor: Double { get }
    /// Called once per scored batch, before its rows are shown, with its counts.
    func counted(_ counts: RowCounts)
    /// Called for each scored row that alerted or scored above ``scoreFloor``, in input order;
    /// `label` holds the label field's raw bytes (empty without a label column);
    /// `topIndices`/`topShares` hold the `explainCount` largest contributions (see
    /// ``ScoringOptions/observedExplainCount``; cleared for an alert at or below the floor).
    func scored(
        row: Int, key: String, result: RowScore, label: UnsafeRawBufferPointer,
        topIndices: UnsafePointer<Int32>, topShares: UnsafePointer<Float>, explainCount: Int)
    /// Called after each batch is scored, with the engine at that batch's end. With
    /// `position.outputComplete`, the batch's lines are in the output buffer (not necessarily
    /// flushed) and the observer may flush it; otherwise it must not touch `output`.
    /// - Returns: false to end the run here, as if the input had ended.
    func batchWritten(_ position: StreamPosition, engine: ShardedEngine, output: OutputBuffer) throws -> Bool
    /// Whether ``batchWritten(_:engine:output:)`` for this position needs the batch's lines in
    /// the output (a checkpoint, a stop). Waiting for them keeps the writer thread from
    /// overlapping the engine, so ask only when needed.
    func wantsOutput(at position: StreamPosition) -> Bool
}

extension ScoringObserver {
    /// Always: an observer that does not say otherwise gets the complete output every batch.
    public func wantsOutput(at position: StreamPosition) -> Bool { true }
    /// Every row is shown.
    public var scoreFloor: Double { -.infinity }
    /// Nothing: an observer that counts rows itself sees each of them in `scored`.
    public func counted(_ counts: RowCounts) {}
}

/// Where a run's rows come from (``InputOpener/openRows(path:)`` picks by content).
public enum RowSource {
    case csv(CSVReader)
    case archive(ArchiveReader)
}

/// Reads CSV rows, scores them in batches on a ``ShardedEngine`` and writes one output line per
/// row, in input order.
///
/// Three threads: a reader thread parses (or decodes) the next batch while the calling thread
/// resolves keys and runs the engine, and a writer thread formats the previous batch's lines
/// (key creation and all engine work stay on the calling thread, in input order, so results do
/// not depend on the overlap). Streams: memory is bounded by three batches and the reader's
/// line limit. When the input stalls
/// (a pipe with nothing to read), the pending batch is scored and the output flushed before the
/// reader blocks, so each row's line appears promptly. On a bad row every good row before it is
/// written and flushed, then the error is thrown.
public final class ScoringPipeline {
    /// The rows' source: CSV text, or a binary archive (`Docs/formats.md`).
    private enum Input {
        case csv(CSVReader)
        case archive(ArchiveReader)
    }

    private let input: Input
    private let output: OutputBuffer
    private let options: ScoringOptions
    private let makeConfiguration: (_ featureNames: [String]) throws -> Configuration
    private let logger: Logger
    /// Runs on the new engine before the first row (loading a state).
    public var prepare: ((ShardedEngine) throws -> Void)?
    /// Sees every scored row and batch (replay summaries, progress, checkpoints).
    public weak var observer: (any ScoringObserver)?
    /// The model's feature names (columns, then lagged copies), once the header is read.
    public private(set) var featureNames: [String] = []
    /// Whether the input is a regular file, whose reads never wait: a run stopped by its
    /// observer then waits for the reader thread and cuts the quarantine file back to the rows
    /// it scored. A pipe's reader may be waiting on its writer: it is left to end by itself
    /// (and may have quarantined rows past the stop).
    public var inputIsRegularFile = false

    /// Prepares a run.
    /// - Parameters:
    ///   - logger: receives the engine's diagnostics (the OpenBLAS thread setting).
    ///   - makeConfiguration: builds the validated configuration for the header's feature columns (their names; a regression model names its target).
    public init(
        reader: CSVReader, output: OutputBuffer, options: ScoringOptions,
        logger: Logger = Logger(label: "clipstream"),
        makeConfiguration: @escaping (_ featureNames: [String]) throws -> Configuration
    ) {
        input = .csv(reader)
        self.output = output
        self.options = options
        self.logger = logger
        self.makeConfiguration = makeConfiguration
    }

    /// Prepares a run over either kind of input.
    public convenience init(
        source: RowSource, output: OutputBuffer, options: ScoringOptions,
        logger: Logger = Logger(label: "clipstream"),
        makeConfiguration: @escaping (_ featureNames: [String]) throws -> Configuration
    ) {
        switch source {
        case .csv(let reader):
            self.init(reader: reader, output: output, options: options, logger: logger, makeConfiguration: makeConfiguration)
        case .archive(let archive):
            self.init(archive: archive, output: output, options: options, logger: logger, makeConfiguration: makeConfiguration)
        }
    }

    /// Prepares a run over a binary archive: the same output as a run over the CSV it was
    /// converted from (rows keep their numbers; label and time are echoed when asked for and
    /// present). The key column is the archive's own.
    public init(
        archive: ArchiveReader, output: OutputBuffer, options: ScoringOptions,
        logger: Logger = Logger(label: "clipstream"),
        makeConfiguration: @escaping (_ featureNames: [String]) throws -> Configuration
    ) {
        input = .archive(archive)
        self.output = output
        self.options = options
        self.logger = logger
        self.makeConfiguration = makeConfiguration
    }

    /// Runs to the end of the input.
    /// - Throws: ``InputError`` for bad input (after writing every good row before it),
    ///   ``OutputError``, or the configuration's error.
    public func run() throws -> ScoringSummary {
        let schema: CSVSchema
        switch input {
        case .csv(let reader): schema = try Self.readSchema(reader, options: options)
        case .archive(let archive): schema = try Self.schema(of: archive.header, options: options)
        }
        let configuration = try makeConfiguration(schema.featureNames)
        let attribution = max(
            options.explainCount, min(options.observedExplainCount, configuration.modelDimension))
        let capacity = Self.batchCapacity(
            requested: options.batchCapacity, dimension: schema.featureColumns.count,
            explainCount: attribution)
        let engine = try ShardedEngine(
            configuration: configuration, shardCount: options.shardCount,
            batchCapacity: capacity, logger: logger)
        let writer = ScoreRowWriter(
            hasLabel: schema.labelColumn != nil, hasTime: schema.timeColumn != nil,
            explainCount: options.explainCount, audit: options.audit, alertsOnly: options.alertsOnly,
            featureNames: configuration.modelFeatureNames(schema.featureNames))
        featureNames = configuration.modelFeatureNames(schema.featureNames)
        if options.evictsIdle, let maxKeys = options.maxKeys { engine.limitKeys(to: maxKeys) }
        try prepare?(engine)
        if options.writesHeader { output.write(writer.header) }
        var state = RunState(
            engine: engine, observer: observer, maxKeys: options.evictsIdle ? nil : options.maxKeys,
            outputExplains: options.explainCount > 0, outputAlertsOnly: options.alertsOnly)
        // Three slots in a ring: the reader thread fills one, this thread scores the next
        // (resolving keys and running the engine), the writer thread encodes the lines of the
        // one before. Each stage takes the slots in the order 0, 1, 2, 0, ...; the semaphores
        // order every hand-over, so a slot is never touched by two threads at once. `free` and
        // `filled` start at 0 and `free` is signalled once per slot: libdispatch traps when a
        // semaphore is released below the value it was created with.
        let slots = (0..<3).map { _ in
            ParsedBatch(
                schema: schema, capacity: capacity, explainCount: attribution,
                keepsMissing: configuration.imputesMissing)
        }
        let free = DispatchSemaphore(value: 0)
        let filled = DispatchSemaphore(value: 0)
        for _ in slots { free.signal() }
        var quarantine: QuarantineFile?
        if case .quarantine(let path) = options.badRowPolicy {
            quarantine = try QuarantineFile(path: path, offset: options.quarantineOffset)
        }
        let handOver = SlotHandOver(slots: slots, free: free, filled: filled)
        let ioWorkers = max(1, options.ioWorkers ?? ScoringOptions.defaultIOWorkers)
        let producer: any BatchProducer
        switch input {
        case .csv(let reader):
            producer = Producer(
                reader: reader, schema: schema, handOver: handOver, partition: options.partition,
                skipRows: options.skipRows, policy: options.badRowPolicy, quarantine: quarantine,
                keyIDs: options.maxKeys == nil)
        case .archive(let archive):
            producer = ArchiveBatchProducer(
                reader: archive, handOver: handOver, partition: options.partition,
                skipRows: options.skipRows, echoesLabel: schema.labelColumn != nil,
                echoesTime: schema.timeColumn != nil, workers: ioWorkers)
        }
        let lines = BatchLineWriter(slots: slots, writer: writer, output: output, free: free, workers: ioWorkers)
        lines.start()
        defer {
            lines.sync()
            lines.stop()
        }
        let readerDone = DispatchSemaphore(value: 0)
        let thread = Thread {
            producer.run()
            readerDone.signal()
        }
        thread.name = "clipstream-reader"
        thread.start()
        // Set once the reader has handed over its last slot (the input's end, or an error).
        var readerReturned = false
        defer {
            // Leaving on a thrown error: let the reader go instead of leaving it blocked on
            // `free` for good (it ends at its next row or slot; a read of a quiet pipe is not
            // waited for).
            if !readerReturned {
                producer.stop()
                free.signal()
            }
        }
        var index = 0
        // The output's length at the last sync (read only then: the writer thread owns it
        // between syncs).
        var syncedBytes = output.bytesWritten
        while true {
            filled.wait()
            let slot = slots[index % slots.count]
            index += 1
            state.score(slot)
            state.summary.skipped.merge(slot.skipped, uniquingKeysWith: +)
            // After this the slot is the writer thread's (and then the reader's): read what
            // the rest of this iteration needs first.
            let (stalled, end, error) = (slot.stalled, slot.end, slot.error)
            readerReturned = end || error != nil
            var position = StreamPosition(
                dataRows: slot.dataRowsConsumed, inputBytes: slot.inputBytesConsumed, outputBytes: 0)
            position.skipped = state.summary.skipped
            position.rejected = state.summary.rejected
            position.quarantineBytes = slot.quarantineBytesWritten
            lines.hand()
            let complete = stalled || end || error != nil || (observer?.wantsOutput(at: position) ?? false)
            if complete {
                lines.sync()
                syncedBytes = output.bytesWritten
            }
            if stalled || error != nil { try output.flush() }
            if let error { throw error }
            if let observer {
                position.outputBytes = syncedBytes
                position.outputComplete = complete
                if try !observer.batchWritten(position, engine: engine, output: output) {
                    lines.sync()
                    producer.stop()
                    free.signal()
                    // The reader of a file ends within a row; then the quarantine holds the
                    // bad rows of the scored rows only, as the checkpoint records.
                    if inputIsRegularFile {
                        readerDone.wait()
                        readerReturned = true
                        try quarantine?.truncate(toWritten: position.quarantineBytes)
                    }
                    break
                }
            }
            if end { break }
        }
        lines.sync()
        try output.flush()
        // An archive of no rows is no mistake: `convert --partitions` writes one for a partition
        // that no key hashes to, and that partition's worker must succeed.
        let isArchive = if case .archive = input { true } else { false }
        if state.summary.rows == 0 && options.skipRows == 0 && options.partition == nil && !isArchive
            && state.summary.skipped.isEmpty && state.summary.rejected == 0
        {
            throw InputError.headerOnly
        }
        state.summary.keys = engine.keyCount
        state.summary.evicted = engine.evictions
        return state.summary
    }

    /// The columns of an archive as a CSV header would give them: its key column, the label
    /// and time columns the run asks for (they must be in the archive), then the features.
    static func schema(of header: ArchiveHeader, options: ScoringOptions) throws -> CSVSchema {
        var names = [header.keyColumn]
        for (asked, present) in [(options.labelColumn, header.labelColumn), (options.timeColumn, header.timeColumn)] {
            guard let asked else { continue }
            guard asked == present else { throw InputError.missingColumn(name: asked) }
            names.append(asked)
        }
        return try CSVSchema(
            header: names + header.featureNames, keyColumn: header.keyColumn,
            labelColumn: options.labelColumn, timeColumn: options.timeColumn)
    }

    /// Reads the header row and resolves the key, label, time and feature columns.
    static func readSchema(_ reader: CSVReader, options: ScoringOptions) throws -> CSVSchema {
        try CSVSchema(
            header: reader.readHeader(), keyColumn: options.keyColumn, labelColumn: options.labelColumn,
            timeColumn: options.timeColumn)
    }

    /// Rows per batch: the requested count, lowered so one batch's values and attribution stay
    /// within 16 MiB (a 100,000-column header would otherwise make a 4,096-row batch 1.6 GB).
    static func batchCapacity(requested: Int, dimension: Int, explainCount: Int) -> Int {
        let bytesPerRow = 4 * (dimension + 2 * explainCount) + 64
        return max(1, min(requested, (16 << 20) / bytesPerRow))
    }
}
