import ClipStreamEngine

/// Writes the binary archive format (`ArchiveFormat`) to a file descriptor: the header on
/// creation, one checksummed block per ``write(_:)``, the end block on ``finish()``.
public final class ArchiveWriter {
    private let output: OutputBuffer
    public let header: ArchiveHeader
    /// By bytes: two spellings of one text (NFC and NFD) are two keys, as in the engine (the
    /// `write(keys:...)` form only).
    private var keyIDs: [ByteKey: Int32] = [:]
    /// Keys introduced so far (ids `0 ..< keyCount`).
    private var keyCount = 0
    private var pending: [UInt8] = []
    /// Rows written so far.
    public private(set) var rowCount = 0

    /// Starts an archive on `fileDescriptor` (the caller owns and closes it).
    public init(fileDescriptor: Int32, header: ArchiveHeader) {
        output = OutputBuffer(fileDescriptor: fileDescriptor, capacity: 1 << 20)
        self.header = header
        var bytes = ArchiveFormat.magic
        Self.append(ArchiveFormat.version, to: &bytes)
        var flags: UInt32 = 0
        if header.labelColumn != nil { flags |= ArchiveFormat.hasLabelFlag }
        if header.timeColumn != nil { flags |= ArchiveFormat.hasTimeFlag }
        Self.append(flags, to: &bytes)
        Self.append(UInt32(header.dimension), to: &bytes)
        Self.append(string: header.keyColumn, to: &bytes)
        if let label = header.labelColumn { Self.append(string: label, to: &bytes) }
        if let time = header.timeColumn { Self.append(string: time, to: &bytes) }
        for name in header.featureNames { Self.append(string: name, to: &bytes) }
        Self.sealAndWrite(&bytes, to: output)
    }

    /// One block: `keys[i]`, `rowNumbers[i]`, `labels[i]`/`times[i]` (when the header has the
    /// column) and `dimension` values per row.
    public func write(
        keys: [String], rowNumbers: [Int], labels: [[UInt8]], times: [[UInt8]], values: UnsafeBufferPointer<Float>
    ) {
        var ids: [Int32] = []
        ids.reserveCapacity(keys.count)
        var newKeys: [String] = []
        for key in keys {
            if let id = keyIDs[ByteKey(key)] {
                ids.append(id)
            } else {
                let id = Int32(keyCount + newKeys.count)
                keyIDs[ByteKey(key)] = id
                newKeys.append(key)
                ids.append(id)
            }
        }
        let fields = [labels, times]
        write(keyIDs: ids, newKeys: newKeys, rowNumbers: rowNumbers, values: values) { row, column, body in
            fields[column][row].withUnsafeBytes { body($0) }
        }
    }

    /// One block whose rows name their keys by this archive's ids: `newKeys` are the keys this
    /// block introduces, which take the next ids in order (a caller that numbers keys itself
    /// uses this form only). `field(row, column, body)` passes row `row`'s label (column 0) or
    /// time (column 1) bytes to `body`; it is asked only for the columns the header has.
    /// - Complexity: O(bytes written); no allocation per row.
    public func write(
        keyIDs ids: [Int32], newKeys: [String], rowNumbers: [Int], values: UnsafeBufferPointer<Float>,
        field: (_ row: Int, _ column: Int, _ body: (UnsafeRawBufferPointer) -> Void) -> Void
    ) {
        let n = ids.count
        guard n > 0 else { return }
        precondition(n <= ArchiveFormat.maximumBlockRows && rowNumbers.count == n)
        precondition(values.count == n * header.dimension)
        var bytes = ArchiveFormat.blockMagic
        Self.append(UInt32(n), to: &bytes)
        Self.append(UInt32(newKeys.count), to: &bytes)
        for key in newKeys { Self.append(string: key, to: &bytes) }
        keyCount += newKeys.count
        for row in rowNumbers { Self.append(UInt64(row), to: &bytes) }
        for id in ids { Self.append(UInt32(bitPattern: id), to: &bytes) }
        for (column, present) in [header.labelColumn != nil, header.timeColumn != nil].enumerated() where present {
            for row in 0..<n {
                field(row, column) { field in
                    Self.append(UInt32(field.count), to: &bytes)
                    bytes.append(contentsOf: field)
                }
            }
        }
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for v in values { Self.append(v.bitPattern, to: &bytes) }
        Self.sealAndWrite(&bytes, to: output)
        rowCount += n
    }

    /// Writes what is buffered (the archive stays incomplete: no end block).
    public func flush() throws(OutputError) {
        try output.flush()
    }

    /// Writes the end block and flushes; the archive is complete only after this.
    public func finish() throws(OutputError) {
        var bytes = ArchiveFormat.endMagic
        Self.append(UInt64(rowCount), to: &bytes)
        Self.append(UInt32(keyCount), to: &bytes)
        Self.sealAndWrite(&bytes, to: output)
        try output.flush()
    }

    private static func sealAndWrite(_ bytes: inout [UInt8], to output: OutputBuffer) {
        let crc = bytes.withUnsafeBytes { Checksum.crc32($0) }
        append(crc, to: &bytes)
        bytes.withUnsafeBytes { output.write($0) }
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func append(string: String, to bytes: inout [UInt8]) {
        append(field: Array(string.utf8), to: &bytes)
    }

    static func append(field: [UInt8], to bytes: inout [UInt8]) {
        append(UInt32(field.count), to: &bytes)
        bytes += field
    }
}
