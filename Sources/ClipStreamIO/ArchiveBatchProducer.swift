import ClipStreamEngine
import Dispatch

/// The reader thread of a run on a binary archive: decodes blocks (checksums first) into the
/// pipeline's slots, as ``Producer`` parses CSV into them.
final class ArchiveBatchProducer: BatchProducer, @unchecked Sendable {
    let handOver: SlotHandOver
    let reader: ArchiveReader
    let partition: KeyPartition?
    let skipRows: Int
    /// Whether the label and time fields are echoed (the run asked for them).
    let echoesLabel: Bool
    let echoesTime: Bool
    private var block = ArchiveBlock()
    private var next = 0
    private var lastRow = 0
    /// Per archive key id: whether it belongs to this run's partition (filled as keys appear).
    private var inPartition: [Bool] = []

    init(
        reader: ArchiveReader, handOver: SlotHandOver, partition: KeyPartition?, skipRows: Int,
        echoesLabel: Bool, echoesTime: Bool
    ) {
        self.reader = reader
        self.handOver = handOver
        self.partition = partition
        self.skipRows = skipRows
        self.echoesLabel = echoesLabel
        self.echoesTime = echoesTime
    }

    func fill(_ slot: ParsedBatch) {
        slot.reset()
        defer {
            slot.dataRowsConsumed = lastRow
            slot.inputBytesConsumed = reader.offset
        }
        let d = reader.header.dimension
        do {
            while !slot.batch.isFull {
                if next == block.count {
                    guard try reader.next(into: &block) else {
                        slot.end = true
                        return
                    }
                    next = 0
                    while inPartition.count < reader.keys.count {
                        inPartition.append(partition?.contains(reader.keys[inPartition.count]) ?? true)
                    }
                }
                let i = next
                next += 1
                lastRow = block.rowNumbers[i]
                let id = Int(block.keyIDs[i])
                if lastRow <= skipRows || !inPartition[id] { continue }
                try block.values.withUnsafeBufferPointer { values throws(InputError) in
                    let row = values.baseAddress! + i * d
                    for j in 0..<d where !row[j].isFinite {
                        throw .archive(.corrupt(
                            offset: reader.offset, rowsBefore: reader.rowsRead,
                            reason: "row \(lastRow) holds a non-finite value in column \(reader.header.featureNames[j])"))
                    }
                    slot.append(
                        key: reader.keys[id], dataRow: lastRow, values: row,
                        label: echoesLabel ? block.labels[i][...] : nil, time: echoesTime ? block.times[i][...] : nil)
                }
            }
        } catch let error as ArchiveError {
            slot.error = InputError.archive(error)
        } catch {
            slot.error = error
        }
    }
}
