import ClipStreamEngine
import Dispatch

/// The reader thread of a run on a binary archive: decodes blocks (checksums first) into the
/// pipeline's slots, as ``Producer`` parses CSV into them.
///
/// Rows go from the bytes `read(2)` delivered straight into the slot's batch (one copy per row,
/// no intermediate `[Float]` per block; the CRC-32 and the copy split over `workers` threads
/// when a block is large), keys travel as the archive's ids (the consumer resolves
/// each id to an engine handle once), and the label and time fields are copied from the block's
/// columns: no allocation per row.
final class ArchiveBatchProducer: BatchProducer, @unchecked Sendable {
    let handOver: SlotHandOver
    let reader: ArchiveReader
    let partition: KeyPartition?
    let skipRows: Int
    /// Whether the label and time fields are echoed (the run asked for them).
    let echoesLabel: Bool
    let echoesTime: Bool
    /// The next row of the current block.
    private var next = 0
    private var lastRow = 0
    /// Per archive key id: whether it belongs to this run's partition (filled as keys appear).
    private var inPartition: [Bool] = []
    /// Threads that check a block's CRC-32 and copy its rows (the output does not depend on it).
    let workers: Int
    /// The block rows going to the current slot (reused).
    private var selected: [Int32] = []
    private static let placeholder = KeyHandle(shard: 0, slot: 0)

    init(
        reader: ArchiveReader, handOver: SlotHandOver, partition: KeyPartition?, skipRows: Int,
        echoesLabel: Bool, echoesTime: Bool, workers: Int = 1
    ) {
        self.workers = max(1, workers)
        reader.decoder.checksumWorkers = self.workers
        self.reader = reader
        self.handOver = handOver
        self.partition = partition
        self.skipRows = skipRows
        self.echoesLabel = echoesLabel
        self.echoesTime = echoesTime
    }

    func fill(_ slot: ParsedBatch) {
        slot.reset()
        slot.usesKeyIDs = true
        defer {
            slot.dataRowsConsumed = lastRow
            slot.inputBytesConsumed = reader.offset
        }
        do {
            while !slot.isFull && !handOver.isStopped {
                if next == reader.decoder.count {
                    let known = reader.decoder.keys.count
                    guard try reader.decoder.nextBlock() else {
                        slot.end = true
                        return
                    }
                    next = 0
                    let keys = reader.decoder.keys
                    slot.introducedKeys += keys[known...]
                    for key in keys[known...] { inPartition.append(partition?.contains(key) ?? true) }
                }
                try copyRows(into: slot)
            }
        } catch {
            slot.error = InputError.archive(error)
        }
    }

    /// Copies the current block's rows from `next` on into `slot` until it is full or the block
    /// ends, passing over rows before `skipRows` and other partitions' rows.
    ///
    /// Two passes: which rows go (a number and a flag a row), then their values copied and
    /// checked with their ids, numbers and echoed fields' ranges (``RowCopy``, in parallel
    /// chunks when the bytes are many); the echoed fields are copied in one piece per column.
    /// - Throws: ``ArchiveError/corrupt(offset:rowsBefore:reason:)`` at a row holding a
    ///   non-finite value (the rows before it stay in the slot).
    private func copyRows(into slot: ParsedBatch) throws(ArchiveError) {
        let block = reader.decoder
        let d = block.header.dimension
        let skipRows = self.skipRows
        var i = next
        var last = lastRow
        let room = slot.batch.capacity - slot.batch.count
        var selected = self.selected
        self.selected = []
        defer { self.selected = selected }
        selected.removeAll(keepingCapacity: true)
        block.rowNumbers.withUnsafeBufferPointer { numbers in
            block.keyIDs.withUnsafeBufferPointer { ids in
                inPartition.withUnsafeBufferPointer { inPartition in
                    while i < block.count && selected.count < room {
                        let row = i
                        i += 1
                        last = numbers[row]
                        if last <= skipRows || !inPartition[Int(ids[row])] { continue }
                        selected.append(Int32(truncatingIfNeeded: row))
                    }
                }
            }
        }
        let start = slot.batch.count
        let (echoesLabel, echoesTime) = (self.echoesLabel, self.echoesTime)
        var kept = 0
        ParsedBatch.appendingArchiveRows(to: slot) { batch, keyIDs, rowNumbers, echo, echoRanges in
            guard let firstRow = selected.first.map(Int.init), let lastRow = selected.last.map(Int.init) else { return }
            // The echoed fields of the rows from the first chosen to the last, in one piece each
            // (the bytes of rows passed over between them come along, unused).
            func copyFields(_ ranges: [Int]) -> Int {
                let (from, to) = (ranges[2 * firstRow], ranges[2 * lastRow + 1])
                let shift = echo.count - from
                echo.append(contentsOf: UnsafeRawBufferPointer(start: block.item + from, count: to - from))
                return shift
            }
            let labelShift = echoesLabel ? copyFields(block.labelRanges) : nil
            let timeShift = echoesTime ? copyFields(block.timeRanges) : nil
            keyIDs.append(contentsOf: repeatElement(0, count: selected.count))
            selected.withUnsafeBufferPointer { rows in
                block.rowNumbers.withUnsafeBufferPointer { numbers in
                    block.keyIDs.withUnsafeBufferPointer { ids in
                        block.labelRanges.withUnsafeBufferPointer { labels in
                            block.timeRanges.withUnsafeBufferPointer { times in
                                batch.values.withUnsafeMutableBufferPointer { values in
                                    rowNumbers.withUnsafeMutableBufferPointer { targetNumbers in
                                        keyIDs.withUnsafeMutableBufferPointer { targetIDs in
                                            echoRanges.withUnsafeMutableBufferPointer { targetRanges in
                                                kept = RowCopy(
                                                    rows: rows, dimension: d, values: block.values,
                                                    rowNumbers: numbers.baseAddress!, keyIDs: ids.baseAddress!,
                                                    labelRanges: labels.baseAddress!, timeRanges: times.baseAddress!,
                                                    labelShift: labelShift, timeShift: timeShift, emptyAt: echo.count,
                                                    first: start, targetValues: values.baseAddress!,
                                                    targetRowNumbers: targetNumbers.baseAddress!,
                                                    targetKeyIDs: targetIDs.baseAddress!,
                                                    targetEchoRanges: targetRanges.baseAddress!
                                                ).run(workers: workers)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            keyIDs.removeLast(selected.count - kept)
            for _ in 0..<kept { batch.append(handle: Self.placeholder) }
        }
        guard kept < selected.count else {
            next = i
            lastRow = last
            return
        }
        // The bad row: the run stops after it (its number is the last consumed, as when rows
        // were copied one at a time).
        let bad = Int(selected[kept])
        next = bad + 1
        lastRow = block.rowNumbers[bad]
        let row = block.values + bad * 4 * d
        let column = (0..<d).first { j in
            !Float(bitPattern: UInt32(littleEndian: row.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self))).isFinite
        } ?? 0
        throw .corrupt(
            offset: reader.offset, rowsBefore: reader.rowsRead,
            reason: "row \(lastRow) holds a non-finite value in column \(block.header.featureNames[column])")
    }
}
