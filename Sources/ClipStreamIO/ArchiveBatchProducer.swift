import ClipStreamEngine
import Dispatch

/// The reader thread of a run on a binary archive: decodes blocks (checksums first) into the
/// pipeline's slots, as ``Producer`` parses CSV into them.
///
/// Rows go from the bytes `read(2)` delivered straight into the slot's batch (one copy per row,
/// no intermediate `[Float]` per block), keys travel as the archive's ids (the consumer resolves
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
    private static let placeholder = KeyHandle(shard: 0, slot: 0)

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
        slot.usesKeyIDs = true
        defer {
            slot.dataRowsConsumed = lastRow
            slot.inputBytesConsumed = reader.offset
        }
        do {
            while !slot.batch.isFull {
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
    /// - Throws: ``ArchiveError/corrupt(offset:rowsBefore:reason:)`` at a row holding a
    ///   non-finite value (the rows before it stay in the slot).
    private func copyRows(into slot: ParsedBatch) throws(ArchiveError) {
        let block = reader.decoder
        let d = block.header.dimension
        let rowBytes = 4 * d
        let skipRows = self.skipRows
        let inPartition = self.inPartition
        var i = next
        var last = lastRow
        defer {
            next = i
            lastRow = last
        }
        var badRow = false
        ParsedBatch.appendingArchiveRows(to: slot) { batch, keyIDs, rowNumbers, echo, echoRanges in
            while i < block.count && batch.count < batch.capacity {
                let row = i
                i += 1
                last = block.rowNumbers[row]
                let id = block.keyIDs[row]
                if last <= skipRows || !inPartition[Int(id)] { continue }
                var bits: UInt32 = 0
                batch.append(handle: Self.placeholder) { target in
                    let base = target.baseAddress.unsafelyUnwrapped
                    UnsafeMutableRawPointer(base).copyMemory(from: block.values + row * rowBytes, byteCount: rowBytes)
                    #if _endian(big)
                    for j in 0..<d { base[j] = Float(bitPattern: UInt32(littleEndian: base[j].bitPattern)) }
                    #endif
                    // A value is non-finite when its exponent bits are all ones: adding one at
                    // the exponent's lowest bit then carries into bit 31. Branch-free, so the
                    // loop vectorizes.
                    for j in 0..<d { bits |= (base[j].bitPattern & 0x7f80_0000) &+ 0x0080_0000 }
                }
                if bits & 0x8000_0000 != 0 {
                    batch.removeLast()
                    badRow = true
                    return
                }
                let index = batch.count - 1
                keyIDs.append(id)
                rowNumbers[index] = last
                let labelStart = echo.count
                if echoesLabel { echo.append(contentsOf: block.label(row)) }
                let timeStart = echo.count
                if echoesTime { echo.append(contentsOf: block.time(row)) }
                echoRanges[index * 4] = labelStart
                echoRanges[index * 4 + 1] = timeStart
                echoRanges[index * 4 + 2] = timeStart
                echoRanges[index * 4 + 3] = echo.count
            }
        }
        if badRow {
            let row = block.values + (i - 1) * rowBytes
            let column = (0..<d).first { j in
                !Float(bitPattern: UInt32(littleEndian: row.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self))).isFinite
            } ?? 0
            throw .corrupt(
                offset: reader.offset, rowsBefore: reader.rowsRead,
                reason: "row \(last) holds a non-finite value in column \(block.header.featureNames[column])")
        }
    }
}
