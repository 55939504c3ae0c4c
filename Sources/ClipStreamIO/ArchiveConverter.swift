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
            partition: nil, skipRows: 0, policy: options.badRowPolicy, quarantine: quarantine)
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

    /// Writes one parsed batch, split by partition.
    private func write(_ slot: ParsedBatch, to writers: [ArchiveWriter], summary: inout ConversionSummary) {
        let n = slot.batch.count
        guard n > 0 else { return }
        let d = slot.batch.dimension
        let partitions = writers.count
        // Row indices per partition, in input order (one pass over the batch).
        var groups = [[Int]](repeating: [], count: partitions)
        for i in 0..<n { groups[partitions == 1 ? 0 : KeyPartition.index(of: slot.keys[i], count: partitions)].append(i) }
        func field(_ row: Int, _ which: Int) -> [UInt8] {
            Array(slot.echo[slot.echoRanges[row * 4 + which]..<slot.echoRanges[row * 4 + which + 1]])
        }
        for (p, rows) in groups.enumerated() where !rows.isEmpty {
            var values: [Float] = []
            values.reserveCapacity(rows.count * d)
            slot.batch.values.withUnsafeBufferPointer { all in
                for r in rows { values += all[(r * d)..<((r + 1) * d)] }
            }
            values.withUnsafeBufferPointer { buffer in
                writers[p].write(
                    keys: rows.map { slot.keys[$0] }, rowNumbers: rows.map { slot.rowNumbers[$0] },
                    labels: rows.map { field($0, 0) }, times: rows.map { field($0, 2) }, values: buffer)
            }
            summary.rowsPerArchive[p] += rows.count
        }
    }
}
