/// The state of an archive read: the byte window, the key dictionary and the last block's
/// columns, decoded in place (see ``ArchiveReader``, its public face).
///
/// A struct driven by one `mutating` call per block, so the dozens of field reads a block takes
/// (two per row and echoed column) touch statically exclusive state; the columns are reused
/// from block to block (no allocation per row or per block in steady state).
struct ArchiveDecoder {
    private(set) var window: ArchiveByteWindow
    private(set) var header = ArchiveHeader(keyColumn: "", labelColumn: nil, timeColumn: nil, featureNames: [])
    /// Keys in the order the archive introduced them.
    private(set) var keys: [String] = []
    /// Rows of the blocks decoded so far.
    private(set) var rowsRead = 0
    /// The last data-row number read (0 before the first row).
    private var lastRowNumber = 0
    private var ended = false
    /// Threads that read a block's bytes (``PositionalByteSource``) and check its CRC-32
    /// (``Checksum/crc32(_:workers:)``); the replay sets it to its I/O workers, other readers
    /// leave it at one.
    var checksumWorkers = 1 {
        didSet { window.readers = checksumWorkers }
    }

    // The last block's columns.
    /// Rows in the last block.
    private(set) var count = 0
    /// Each row's data-row number.
    private(set) var rowNumbers: [Int] = []
    /// Each row's key id (below `keys.count`).
    private(set) var keyIDs: [Int32] = []
    /// Each row's label field as `start, end` offsets into the block's bytes (``item``); all
    /// zero when the archive has no label column. Left in place: no copy, no allocation.
    private(set) var labelRanges: [Int] = []
    /// The time fields, as the labels.
    private(set) var timeRanges: [Int] = []
    /// The block's bytes from its magic on, inside the window: valid until the next
    /// ``nextBlock()``.
    private(set) var item = UnsafeRawPointer(bitPattern: 1)!
    /// The block's `count * dimension` little-endian `Float32`s, row-major, unaligned, inside the
    /// window: valid until the next ``nextBlock()``.
    private(set) var values = UnsafeRawPointer(bitPattern: 1)!

    /// Row `row`'s label field in the last block (empty without a label column).
    func label(_ row: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: item + labelRanges[2 * row], count: labelRanges[2 * row + 1] - labelRanges[2 * row])
    }

    /// Row `row`'s time field in the last block (empty without a time column).
    func time(_ row: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: item + timeRanges[2 * row], count: timeRanges[2 * row + 1] - timeRanges[2 * row])
    }

    init(source: ByteSource) {
        window = ArchiveByteWindow(source: source)
    }

    /// Reads and checks the header.
    mutating func readHeader() throws(ArchiveError) {
        window.begin()
        let magic = UnsafeRawBufferPointer(start: try window.take(8), count: 8)
        guard magic.elementsEqual(ArchiveFormat.magic) else { throw .notAnArchive }
        let version = try window.uint32()
        guard version == ArchiveFormat.version else { throw .unsupportedVersion(version) }
        let flags = try window.uint32()
        let dimension = Int(try window.uint32())
        guard flags & ~3 == 0, dimension >= 1, dimension <= 1 << 20 else {
            throw .corrupt(offset: 0, rowsBefore: 0, reason: "impossible header fields")
        }
        let keyColumn = try string()
        let label = flags & ArchiveFormat.hasLabelFlag != 0 ? try string() : nil
        let time = flags & ArchiveFormat.hasTimeFlag != 0 ? try string() : nil
        var names: [String] = []
        names.reserveCapacity(dimension)
        for _ in 0..<dimension { names.append(try string()) }
        try checkCRC(what: "header")
        header = ArchiveHeader(keyColumn: keyColumn, labelColumn: label, timeColumn: time, featureNames: names)
    }

    /// Decodes the next block into the columns; false at the end block.
    mutating func nextBlock() throws(ArchiveError) -> Bool {
        guard !ended else { return false }
        window.rowsBefore = rowsRead
        window.begin()
        let magic = UnsafeRawBufferPointer(start: try window.take(4), count: 4)
        if magic.elementsEqual(ArchiveFormat.endMagic) {
            try readEnd()
            return false
        }
        guard magic.elementsEqual(ArchiveFormat.blockMagic) else { throw corrupt("no block starts here") }
        let n = Int(try window.uint32())
        guard n >= 1 && n <= ArchiveFormat.maximumBlockRows else { throw corrupt("block of \(n) rows") }
        let newKeys = Int(try window.uint32())
        guard newKeys <= n else { throw corrupt("\(newKeys) new keys in \(n) rows") }
        var introduced: [String] = []
        for _ in 0..<newKeys {
            let key = try string()
            // A CSV row with an empty key is bad (exit 23): no writer puts one in an archive.
            guard !key.isEmpty else { throw corrupt("an empty key") }
            introduced.append(key)
        }
        let known = keys.count + introduced.count
        // Fixed-width columns, decoded in one pass each.
        let numbers = try window.take(8 * n)
        // Sized first, then written through a pointer: a loop without a capacity check per
        // element (it vectorizes).
        rowNumbers.removeAll(keepingCapacity: true)
        rowNumbers.append(contentsOf: repeatElement(0, count: n))
        // Data-row numbers rise strictly from 1 (a partition's archive skips the others'): a
        // row numbered 0 or past 2^63 was dropped, and numbers that fall would break a
        // resume, which skips by number.
        var previous = lastRowNumber
        var ordered = true
        rowNumbers.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                let number = Int(truncatingIfNeeded: UInt64(littleEndian: numbers.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
                out[i] = number
                ordered = ordered && number > previous
                previous = number
            }
        }
        let ids = try window.take(4 * n)
        keyIDs.removeAll(keepingCapacity: true)
        keyIDs.append(contentsOf: repeatElement(0, count: n))
        // An id is bad when negative or not below `known`: as unsigned, not below `known`.
        var anyBad = false
        keyIDs.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                let id = UInt32(littleEndian: ids.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                out[i] = Int32(bitPattern: id)
                anyBad = anyBad || UInt64(id) >= UInt64(known)
            }
        }
        if anyBad, let badID = keyIDs.first(where: { $0 < 0 || Int($0) >= known }) {
            throw corrupt("key id \(badID) of \(known) keys")
        }
        try Self.fields(n, present: header.labelColumn != nil, from: &window, ranges: &labelRanges)
        try Self.fields(n, present: header.timeColumn != nil, from: &window, ranges: &timeRanges)
        let valueBytes = n * header.dimension * 4
        _ = try window.take(valueBytes)
        try checkCRC(what: "block")
        guard ordered else { throw corrupt("row numbers that do not rise from 1") }
        lastRowNumber = previous
        // The CRC read may have moved the window: point into it only now.
        item = UnsafeRawPointer(window.itemBytes.baseAddress!)
        values = item + (window.itemBytes.count - 4 - valueBytes)
        count = n
        keys += introduced
        rowsRead += n
        return true
    }

    /// The end block: its counts must match the blocks', and nothing may follow it.
    private mutating func readEnd() throws(ArchiveError) {
        let total = Int(try window.uint64())
        let keyCount = Int(try window.uint32())
        try checkCRC(what: "end block")
        guard total == rowsRead, keyCount == keys.count else {
            throw corrupt("the end block counts \(total) rows and \(keyCount) keys, the blocks held \(rowsRead) and \(keys.count)")
        }
        if try window.hasMore() {
            throw .corrupt(offset: window.offset, rowsBefore: rowsRead, reason: "data after the end block")
        }
        ended = true
        count = 0
    }

    /// Takes `n` length-prefixed fields, noting where each one's bytes lie in the block (all
    /// empty when the column is absent).
    private static func fields(
        _ n: Int, present: Bool, from window: inout ArchiveByteWindow, ranges: inout [Int]
    ) throws(ArchiveError) {
        ranges.removeAll(keepingCapacity: true)
        if !present {
            ranges.append(contentsOf: repeatElement(0, count: 2 * n))
            return
        }
        ranges.append(contentsOf: repeatElement(0, count: 2 * n))
        var i = 0
        while i < n {
            // The fields wholly inside the bytes already read, in one loop without a call per
            // field.
            let bytes = window.buffered
            let origin = window.itemPosition
            var used = 0
            while i < n && bytes.count - used >= 4 {
                let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: used, as: UInt32.self)))
                guard length <= 1 << 20, bytes.count - used - 4 >= length else { break }
                ranges[2 * i] = origin + used + 4
                ranges[2 * i + 1] = origin + used + 4 + length
                used += 4 + length
                i += 1
            }
            window.skip(used)
            guard i < n else { break }
            // One field the bytes read do not hold: read on (or report the damage).
            let length = Int(try window.uint32())
            guard length <= 1 << 20 else {
                throw .corrupt(offset: window.itemOffset, rowsBefore: window.rowsBefore, reason: "a field of \(length) bytes")
            }
            let start = window.itemPosition
            _ = try window.take(length)
            ranges[2 * i] = start
            ranges[2 * i + 1] = start + length
            i += 1
        }
    }

    private mutating func string() throws(ArchiveError) -> String {
        let length = Int(try window.uint32())
        guard length <= 1 << 20 else { throw corrupt("a field of \(length) bytes") }
        let bytes = UnsafeRawBufferPointer(start: try window.take(length), count: length)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw corrupt("a name is not UTF-8") }
        return text
    }

    /// Reads the 4-byte CRC-32 that follows the current item and compares.
    private mutating func checkCRC(what: String) throws(ArchiveError) {
        let expected = Checksum.crc32(window.itemBytes, workers: checksumWorkers)
        let stored = try window.uint32()
        guard stored == expected else { throw corrupt("the \(what)'s checksum does not match") }
    }

    private func corrupt(_ reason: String) -> ArchiveError {
        .corrupt(offset: window.itemOffset, rowsBefore: rowsRead, reason: reason)
    }
}
