import Dispatch

/// Moves chosen rows of an archive block into a slot: each row's values (little-endian
/// `Float32`s, unaligned) into the batch's contiguous values with a check for non-finite ones,
/// and its key id, row number and echoed fields' ranges into the slot's columns. In contiguous
/// chunks on several workers when the bytes are many (at d = 1024 one core's copy of 4 KB a
/// row held the reader back; at d = 38 the per-row bookkeeping did), one chunk otherwise.
///
/// `@unchecked Sendable`: chunk `c` writes only its own rows of the targets and `firstBad[c]`;
/// the sources are only read.
struct RowCopy: @unchecked Sendable {
    /// Block row indices, in order; the `j`th goes to the slot's row `first + j`.
    let rows: UnsafeBufferPointer<Int32>
    let dimension: Int
    /// The block's values, row numbers, key ids, and label and time fields as `start, end`
    /// offsets into its bytes (``ArchiveDecoder``).
    let values: UnsafeRawPointer
    let rowNumbers: UnsafePointer<Int>
    let keyIDs: UnsafePointer<Int32>
    let labelRanges: UnsafePointer<Int>
    let timeRanges: UnsafePointer<Int>
    /// Added to a block offset of a label (time) field to give its offset in the slot's `echo`
    /// (the fields were copied there in one piece); nil when the field is not echoed.
    let labelShift: Int?
    let timeShift: Int?
    /// An empty range of `echo`, for the fields not echoed.
    let emptyAt: Int
    /// The slot's first row to fill, and its columns (row-indexed from the slot's start).
    let first: Int
    let targetValues: UnsafeMutablePointer<Float>
    let targetRowNumbers: UnsafeMutablePointer<Int>
    let targetKeyIDs: UnsafeMutablePointer<Int32>
    let targetEchoRanges: UnsafeMutablePointer<Int>

    /// Chunks smaller than this many bytes of values are not worth a worker.
    static let minimumBytes = 1 << 16

    /// Moves every row (rows after a bad one may be moved too: the caller does not count them).
    /// - Returns: the index in `rows` of the first row with a non-finite value, or `rows.count`.
    func run(workers: Int) -> Int {
        let n = rows.count
        let parts = min(max(1, workers), n * 4 * dimension / Self.minimumBytes, n / 256)
        guard parts > 1 else { return move(0..<n) }
        let firstBad = UnsafeMutablePointer<Int>.allocate(capacity: parts)
        defer { firstBad.deallocate() }
        let work = Chunks(copy: self, firstBad: firstBad)
        DispatchQueue.concurrentPerform(iterations: parts) { c in
            work.firstBad[c] = work.copy.move(n * c / parts..<n * (c + 1) / parts)
        }
        for c in 0..<parts where firstBad[c] < n * (c + 1) / parts { return firstBad[c] }
        return n
    }

    /// Moves `range`'s rows; the index of the first bad one, else `range.upperBound`.
    private func move(_ range: Range<Int>) -> Int {
        let d = dimension
        let rowBytes = 4 * d
        for j in range {
            let row = Int(rows[j])
            let target = first + j
            let base = targetValues + target * d
            UnsafeMutableRawPointer(base).copyMemory(from: values + row * rowBytes, byteCount: rowBytes)
            #if _endian(big)
            for k in 0..<d { base[k] = Float(bitPattern: UInt32(littleEndian: base[k].bitPattern)) }
            #endif
            // A value is non-finite when its exponent bits are all ones: adding one at the
            // exponent's lowest bit then carries into bit 31. Branch-free, so the loop vectorizes.
            var bits: UInt32 = 0
            for k in 0..<d { bits |= (base[k].bitPattern & 0x7f80_0000) &+ 0x0080_0000 }
            if bits & 0x8000_0000 != 0 { return j }
            targetRowNumbers[target] = rowNumbers[row]
            targetKeyIDs[target] = keyIDs[row]
            let echo = targetEchoRanges + 4 * target
            if let labelShift {
                echo[0] = labelRanges[2 * row] + labelShift
                echo[1] = labelRanges[2 * row + 1] + labelShift
            } else {
                echo[0] = emptyAt
                echo[1] = emptyAt
            }
            if let timeShift {
                echo[2] = timeRanges[2 * row] + timeShift
                echo[3] = timeRanges[2 * row + 1] + timeShift
            } else {
                echo[2] = emptyAt
                echo[3] = emptyAt
            }
        }
        return range.upperBound
    }

    private struct Chunks: @unchecked Sendable {
        let copy: RowCopy
        let firstBad: UnsafeMutablePointer<Int>
    }
}
