/// Reads the binary archive format (`ArchiveFormat`) block by block, checking every block's
/// CRC-32 before any of its rows is handed out: a truncated or damaged archive yields every row
/// before the damage, then an ``ArchiveError`` naming the byte offset of the bad block.
public final class ArchiveReader {
    /// The decoding state (internal: the replay's producer reads the last block's columns in
    /// place, without the copy ``next(into:)`` makes).
    var decoder: ArchiveDecoder

    /// What the header says about the rows.
    public var header: ArchiveHeader { decoder.header }
    /// Keys in the order the archive introduced them (a block's key ids index this).
    public var keys: [String] { decoder.keys }
    /// Rows handed out so far.
    public var rowsRead: Int { decoder.rowsRead }
    /// Bytes of the archive consumed so far.
    public var offset: Int { decoder.window.offset }

    /// Reads and checks the header.
    public init(source: ByteSource) throws(ArchiveError) {
        decoder = ArchiveDecoder(source: source)
        // Every stored property is set: a throw from here on still runs `deinit`, which frees
        // the window.
        try decoder.readHeader()
    }

    deinit { decoder.window.deallocate() }

    /// Decodes the next block into `block`; false at the end block.
    /// - Throws: ``ArchiveError`` at the first damaged or missing byte; every row before it has
    ///   been returned by earlier calls.
    /// - Complexity: O(block bytes); copies the values into `block` (the replay reads them in
    ///   place instead).
    public func next(into block: inout ArchiveBlock) throws(ArchiveError) -> Bool {
        guard try decoder.nextBlock() else { return false }
        let n = decoder.count
        block.rowNumbers = decoder.rowNumbers
        block.keyIDs = decoder.keyIDs
        block.labels.removeAll(keepingCapacity: true)
        block.times.removeAll(keepingCapacity: true)
        if header.labelColumn != nil {
            for i in 0..<n { block.labels.append(Array(decoder.label(i))) }
        }
        if header.timeColumn != nil {
            for i in 0..<n { block.times.append(Array(decoder.time(i))) }
        }
        let floats = n * header.dimension
        let raw = decoder.values
        block.values.removeAll(keepingCapacity: true)
        block.values.reserveCapacity(floats)
        for i in 0..<floats {
            block.values.append(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))))
        }
        return true
    }
}
