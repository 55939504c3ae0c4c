import ClipStreamEngine
import Dispatch
import Foundation

/// What a conversion wrote.
public struct ConversionSummary: Sendable, Equatable {
    /// Rows written to each archive (one per partition).
    public var rowsPerArchive: [Int]
    /// Bad rows passed over, by reason (under a skipping policy).
    public var skipped: [String: Int] = [:]
    public var rows: Int { rowsPerArchive.reduce(0, +) }
}

/// Converts CSV rows to the binary archive format: one archive, or one per key partition
/// (`KeyPartition`: the partitions of `--partition I/N`), so each worker of a
/// distributed replay reads only its share. The CSV is read as `score` reads it (the same
/// columns, the same bad-row policy, parsing on a reader thread); rows keep their data-row
/// numbers, so a replay of the archive writes what a replay of the CSV writes.
public final class ArchiveConverter {
    private let reader: CSVReader
    private let options: ScoringOptions
    private let outputs: [Int32]

    /// - Parameter outputs: one open, writable file descriptor per archive (owned by the caller).
    public init(reader: CSVReader, options: ScoringOptions, outputs: [Int32]) {
        precondition(!outputs.isEmpty)
        self.reader = reader
        self.options = options
        self.outputs = outputs
    }

    /// Converts every row; a bad row under the `fail` policy ends the run after every good row
    /// before it is in the archives (which then have no end block: readers report them
    /// truncated).
    public func run() throws -> ConversionSummary {
        let schema = try ScoringPipeline.readSchema(reader, options: options)
        let header = ArchiveHeader(
            keyColumn: options.keyColumn, labelColumn: options.labelColumn, timeColumn: options.timeColumn,
            featureNames: schema.featureNames)
        let writers = outputs.map { ArchiveWriter(fileDescriptor: $0, header: header) }
        let capacity = ScoringPipeline.batchCapacity(
            requested: options.batchCapacity, dimension: schema.featureColumns.count, explainCount: 0)
        let slots = (0..<2).map { _ in ParsedBatch(schema: schema, capacity: capacity, explainCount: 0) }
        let free = DispatchSemaphore(value: 0)
        let filled = DispatchSemaphore(value: 0)
        for _ in slots { free.signal() }
        var quarantine: QuarantineFile?
        if case .quarantine(let path) = options.badRowPolicy {
            quarantine = try QuarantineFile(path: path, offset: 0)
        }
        let producer = Producer(
            reader: reader, schema: schema, handOver: SlotHandOver(slots: slots, free: free, filled: filled),
            partition: nil, skipRows: 0, policy: options.badRowPolicy, quarantine: quarantine, keyIDs: true)
        let thread = Thread { producer.run() }
        thread.name = "clipstream-reader"
        thread.start()
        var summary = ConversionSummary(rowsPerArchive: Array(repeating: 0, count: writers.count))
        var index = 0
        while true {
            filled.wait()
            let slot = slots[index % slots.count]
            index += 1
            write(slot, to: writers, summary: &summary)
            summary.skipped.merge(slot.skipped, uniquingKeysWith: +)
            if let error = slot.error {
                for writer in writers { try writer.flush() }
                throw error
            }
            if slot.end { break }
            free.signal()
        }
        if summary.rows == 0 && summary.skipped.isEmpty { throw InputError.headerOnly }
        for writer in writers { try writer.finish() }
        return summary
    }

    /// Per reader key id (``CSVKeyIDs``: first good row order): its archive and its id there.
    /// A key lives in one archive, and the reader's order restricted to it is the order its
    /// keys first appear there, so the ids are what the archive's own numbering would give.
    private var archiveOfKey: [Int] = []
    private var idInArchive: [Int32] = []
    private var keysInArchive: [Int32] = []
    /// Reused per batch: row indices per archive, and the block's columns.
    private var groups: [[Int]] = []
    private var blockIDs: [Int32] = []
    private var blockNumbers: [Int] = []
    private var blockValues: [Float] = []

    /// Writes one parsed batch, split by partition.
    private func write(_ slot: ParsedBatch, to writers: [ArchiveWriter], summary: inout ConversionSummary) {
        let partitions = writers.count
        if keysInArchive.isEmpty { keysInArchive = Array(repeating: 0, count: partitions) }
        // A key comes with its first row, so each archive's new keys go in a block it writes.
        var introduced = Array(repeating: [String](), count: partitions)
        for key in slot.introducedKeys {
            let p = partitions == 1 ? 0 : KeyPartition.index(of: key, count: partitions)
            archiveOfKey.append(p)
            idInArchive.append(keysInArchive[p])
            keysInArchive[p] += 1
            introduced[p].append(key)
        }
        let rows = slot.rows
        let n = rows.batch.count
        guard n > 0 else { return }
        let d = rows.batch.dimension
        // Row indices per partition, in input order (one pass over the batch).
        if groups.count != partitions { groups = Array(repeating: [], count: partitions) }
        for p in 0..<partitions { groups[p].removeAll(keepingCapacity: true) }
        for i in 0..<n { groups[archiveOfKey[Int(rows.keyIDs[i])]].append(i) }
        for p in 0..<partitions where !groups[p].isEmpty {
            let group = groups[p]
            blockIDs.removeAll(keepingCapacity: true)
            blockNumbers.removeAll(keepingCapacity: true)
            blockValues.removeAll(keepingCapacity: true)
            for r in group {
                blockIDs.append(idInArchive[Int(rows.keyIDs[r])])
                blockNumbers.append(rows.rowNumbers[r])
            }
            rows.batch.values.withUnsafeBufferPointer { all in
                for r in group { blockValues.append(contentsOf: all[(r * d)..<((r + 1) * d)]) }
            }
            rows.echo.withUnsafeBytes { echo in
                blockValues.withUnsafeBufferPointer { values in
                    writers[p].write(
                        keyIDs: blockIDs, newKeys: introduced[p], rowNumbers: blockNumbers, values: values
                    ) { row, column, body in
                        let r = group[row]
                        body(UnsafeRawBufferPointer(rebasing: echo[rows.echoRanges[r * 4 + 2 * column]..<rows.echoRanges[r * 4 + 2 * column + 1]]))
                    }
                }
            }
            summary.rowsPerArchive[p] += group.count
        }
    }
}
