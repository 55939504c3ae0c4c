/// Reads the binary archive format (`ArchiveFormat`) block by block, checking every block's
/// CRC-32 before any of its rows is handed out: a truncated or damaged archive yields every row
/// before the damage, then an ``ArchiveError`` naming the byte offset of the bad block.
public final class ArchiveReader {
    public private(set) var header = ArchiveHeader(keyColumn: "", labelColumn: nil, timeColumn: nil, featureNames: [])
    /// Keys in the order the archive introduced them (a block's key ids index this).
    public private(set) var keys: [String] = []
    /// Rows handed out so far.
    public private(set) var rowsRead = 0
    /// Bytes of the archive consumed so far.
    public private(set) var offset = 0

    private let source: ByteSource
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var chunkStart = 0
    private var chunkEnd = 0
    /// The bytes of the item being read (for its checksum).
    private var record: [UInt8] = []
    private var recordStart = 0
    private var ended = false

    /// Reads and checks the header.
    public init(source: ByteSource) throws(ArchiveError) {
        self.source = source
        record.reserveCapacity(1 << 20)
        try begin()
        guard Array(try take(8)) == ArchiveFormat.magic else {
            throw offset < 8 && record.count < 8 ? .truncated(offset: 0, rowsBefore: 0) : .notAnArchive
        }
        let version = try uint32()
        guard version == ArchiveFormat.version else { throw .unsupportedVersion(version) }
        let flags = try uint32()
        let dimension = Int(try uint32())
        guard flags & ~3 == 0, dimension >= 1, dimension <= 1 << 20 else {
            throw .corrupt(offset: 0, rowsBefore: 0, reason: "impossible header fields")
        }
        let keyColumn = try string()
        let label = flags & ArchiveFormat.hasLabelFlag != 0 ? try string() : nil
        let time = flags & ArchiveFormat.hasTimeFlag != 0 ? try string() : nil
        var names: [String] = []
        for _ in 0..<dimension { names.append(try string()) }
        try checkCRC(what: "header")
        header = ArchiveHeader(keyColumn: keyColumn, labelColumn: label, timeColumn: time, featureNames: names)
    }

    /// Decodes the next block into `block`; false at the end block.
    /// - Throws: ``ArchiveError`` at the first damaged or missing byte; every row before it has
    ///   been returned by earlier calls.
    public func next(into block: inout ArchiveBlock) throws(ArchiveError) -> Bool {
        guard !ended else { return false }
        try begin()
        let magic = Array(try take(4))
        if magic == ArchiveFormat.endMagic {
            let total = Int(try uint64())
            let keyCount = Int(try uint32())
            try checkCRC(what: "end block")
            guard total == rowsRead, keyCount == keys.count else {
                throw .corrupt(offset: recordStart, rowsBefore: rowsRead, reason: "the end block counts \(total) rows and \(keyCount) keys, the blocks held \(rowsRead) and \(keys.count)")
            }
            var probe: [UInt8] = [0]
            let extra = chunkEnd > chunkStart ? 1 : try readSome(into: &probe)
            if extra > 0 {
                throw .corrupt(offset: offset, rowsBefore: rowsRead, reason: "data after the end block")
            }
            ended = true
            return false
        }
        guard magic == ArchiveFormat.blockMagic else {
            throw .corrupt(offset: recordStart, rowsBefore: rowsRead, reason: "no block starts here")
        }
        let count = Int(try uint32())
        guard count >= 1 && count <= ArchiveFormat.maximumBlockRows else {
            throw .corrupt(offset: recordStart, rowsBefore: rowsRead, reason: "block of \(count) rows")
        }
        let newKeys = Int(try uint32())
        guard newKeys <= count else {
            throw .corrupt(offset: recordStart, rowsBefore: rowsRead, reason: "\(newKeys) new keys in \(count) rows")
        }
        var introduced: [String] = []
        for _ in 0..<newKeys { introduced.append(try string()) }
        block.rowNumbers.removeAll(keepingCapacity: true)
        block.keyIDs.removeAll(keepingCapacity: true)
        block.labels.removeAll(keepingCapacity: true)
        block.times.removeAll(keepingCapacity: true)
        // Fixed-width columns are taken whole and decoded in one pass.
        let numbers = try take(8 * count)
        let ids = try take(4 * count)
        let known = keys.count + introduced.count
        var badID: Int32?
        numbers.withUnsafeBytes { bytes in
            for i in 0..<count {
                block.rowNumbers.append(Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            }
        }
        ids.withUnsafeBytes { bytes in
            for i in 0..<count {
                let id = Int32(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                if id < 0 || Int(id) >= known { badID = badID ?? id }
                block.keyIDs.append(id)
            }
        }
        if let badID {
            throw .corrupt(offset: recordStart, rowsBefore: rowsRead, reason: "key id \(badID) of \(known) keys")
        }
        if header.labelColumn != nil { for _ in 0..<count { block.labels.append(Array(try field())) } }
        if header.timeColumn != nil { for _ in 0..<count { block.times.append(Array(try field())) } }
        let floats = count * header.dimension
        let raw = try take(floats * 4)
        block.values.removeAll(keepingCapacity: true)
        block.values.reserveCapacity(floats)
        raw.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            for i in 0..<floats {
                block.values.append(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))))
            }
        }
        try checkCRC(what: "block")
        keys += introduced
        rowsRead += count
        return true
    }

    // MARK: Reading

    private func begin() throws(ArchiveError) {
        record.removeAll(keepingCapacity: true)
        recordStart = offset
    }

    /// Reads some bytes into the start of `array` (0 at the end of the input).
    private func readSome(into array: inout [UInt8]) throws(ArchiveError) -> Int {
        let source = self.source
        let result: Result<Int, InputError> = array.withUnsafeMutableBytes { buffer in
            do throws(InputError) {
                return .success(try source.read(into: buffer))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let count): return count
        case .failure(let error): throw .io(reason: error.description)
        }
    }

    /// The next `n` bytes, appended to the current record (the returned slice is a view of it).
    private func take(_ n: Int) throws(ArchiveError) -> ArraySlice<UInt8> {
        let start = record.count
        var remaining = n
        while remaining > 0 {
            if chunkStart == chunkEnd {
                let got = try readSome(into: &chunk)
                guard got > 0 else { throw .truncated(offset: recordStart, rowsBefore: rowsRead) }
                chunkStart = 0
                chunkEnd = got
            }
            let k = min(remaining, chunkEnd - chunkStart)
            record.append(contentsOf: chunk[chunkStart..<(chunkStart + k)])
            chunkStart += k
            remaining -= k
        }
        offset += n
        return record[start..<(start + n)]
    }

    private func uint32() throws(ArchiveError) -> UInt32 {
        let b = try take(4)
        let i = b.startIndex
        return UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    private func uint64() throws(ArchiveError) -> UInt64 {
        let low = UInt64(try uint32())
        return low | UInt64(try uint32()) << 32
    }

    /// A length-prefixed byte field (at most 1 MiB).
    private func field() throws(ArchiveError) -> ArraySlice<UInt8> {
        let length = Int(try uint32())
        guard length <= 1 << 20 else {
            throw .corrupt(offset: recordStart, rowsBefore: rowsRead, reason: "a field of \(length) bytes")
        }
        return try take(length)
    }

    private func string() throws(ArchiveError) -> String {
        let bytes = try field()
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .corrupt(offset: recordStart, rowsBefore: rowsRead, reason: "a name is not UTF-8")
        }
        return text
    }

    /// Reads the 4-byte CRC-32 that follows the current record and compares.
    private func checkCRC(what: String) throws(ArchiveError) {
        let expected = record.withUnsafeBytes { Checksum.crc32($0) }
        let stored = try uint32()
        guard stored == expected else {
            throw .corrupt(offset: recordStart, rowsBefore: rowsRead, reason: "the \(what)'s checksum does not match")
        }
    }
}
