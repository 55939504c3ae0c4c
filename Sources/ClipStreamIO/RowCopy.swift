import Dispatch

/// Copies chosen rows of an archive block (little-endian `Float32`s, unaligned) into a batch's
/// contiguous values and finds the first one holding a non-finite value: in contiguous chunks
/// on several workers when the bytes are many (at d = 1024 one core's copy of 4 KB a row held
/// the reader back), one chunk otherwise.
///
/// `@unchecked Sendable`: chunk `c` writes only its rows of `target` and `firstBad[c]`.
struct RowCopy: @unchecked Sendable {
    /// Block row indices, in order; row `j` of the copy goes to `target + j * dimension`.
    let rows: UnsafeBufferPointer<Int32>
    let source: UnsafeRawPointer
    let target: UnsafeMutablePointer<Float>
    let dimension: Int

    /// Chunks smaller than this many bytes are not worth a worker.
    static let minimumBytes = 1 << 17

    /// Copies every row (rows after a bad one may be copied too: they are not counted).
    /// - Returns: the index in `rows` of the first row with a non-finite value, or `rows.count`.
    func run(workers: Int) -> Int {
        let parts = min(max(1, workers), rows.count * 4 * dimension / Self.minimumBytes)
        guard parts > 1 else { return copy(0..<rows.count) }
        let firstBad = UnsafeMutablePointer<Int>.allocate(capacity: parts)
        defer { firstBad.deallocate() }
        let n = rows.count
        let work = Chunks(copy: self, firstBad: firstBad, parts: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { c in
            work.firstBad[c] = work.copy.copy(n * c / parts..<n * (c + 1) / parts)
        }
        for c in 0..<parts where firstBad[c] < n * (c + 1) / parts { return firstBad[c] }
        return n
    }

    /// Copies `range`'s rows; the index of the first bad one, else `range.upperBound`.
    private func copy(_ range: Range<Int>) -> Int {
        let d = dimension
        let rowBytes = 4 * d
        for j in range {
            let base = target + j * d
            UnsafeMutableRawPointer(base).copyMemory(from: source + Int(rows[j]) * rowBytes, byteCount: rowBytes)
            #if _endian(big)
            for k in 0..<d { base[k] = Float(bitPattern: UInt32(littleEndian: base[k].bitPattern)) }
            #endif
            // A value is non-finite when its exponent bits are all ones: adding one at the
            // exponent's lowest bit then carries into bit 31. Branch-free, so the loop vectorizes.
            var bits: UInt32 = 0
            for k in 0..<d { bits |= (base[k].bitPattern & 0x7f80_0000) &+ 0x0080_0000 }
            if bits & 0x8000_0000 != 0 { return j }
        }
        return range.upperBound
    }

    private struct Chunks: @unchecked Sendable {
        let copy: RowCopy
        let firstBad: UnsafeMutablePointer<Int>
        let parts: Int
    }
}
