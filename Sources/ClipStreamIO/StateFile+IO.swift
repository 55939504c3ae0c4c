import CZlib
import ClipStreamCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Buffered little-endian writer that keeps a running CRC-32 of what it writes.
struct ChecksummedWriter {
    let fd: Int32
    let path: String
    private var buffer: [UInt8] = []
    private var crc: UInt = crc32(0, nil, 0)
    static let chunk = 1 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    mutating func append(_ bytes: [UInt8]) { buffer += bytes }
    mutating func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes) }
    mutating func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func append(_ value: Double) { append(value.bitPattern) }

    /// The 88 bytes of a ``KeyState``, field by field (`Docs/formats.md`).
    mutating func append(_ state: KeyState) {
        append(UInt64(bitPattern: Int64(state.rowCount)))
        append(UInt64(bitPattern: Int64(state.scheduleRow)))
        append(state.clipLevel)
        append(state.scoreLower)
        append(state.scoreUpper)
        append(state.sustainedScore)
        append(state.calibrationMass)
        append(state.calibrationWeight)
        append(UInt32(bitPattern: state.runLength))
        append(UInt32(bitPattern: state.quietRowsLeft))
        append(UInt32(bitPattern: state.lowRunLength))
        append(UInt32(bitPattern: state.lowRunVaried))
        append(UInt32(bitPattern: state.rescalesNext))
        append(UInt32(bitPattern: state.farRunLength))
    }

    mutating func flushIfFull() throws {
        if buffer.count >= Self.chunk { try flush() }
    }

    private mutating func flush() throws {
        crc = buffer.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
        try writeAll(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered, then the CRC-32 of everything, then `fsync`s the file.
    mutating func finish() throws {
        try flush()
        let trailer = withUnsafeBytes(of: UInt32(truncatingIfNeeded: crc).littleEndian) { Array($0) }
        try writeAll(trailer)
        guard fsync(fd) == 0 else { throw StateError.io(path: path, reason: "fsync failed: " + Syscalls.message(forErrno: errno)) }
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StateError.io(path: path, reason: Syscalls.message(forErrno: errno))
            }
            offset += n
        }
    }
}

/// Buffered little-endian reader of a state file's body (everything before the CRC).
struct ChecksummedReader {
    let path: String
    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0
    private var end = 0
    /// Body bytes not yet read from the file.
    private var remaining: Int
    /// Size of the whole file.
    let size: Int

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StateError.io(path: path, reason: Syscalls.message(forErrno: errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw StateError.io(path: path, reason: "not a regular file")
        }
        size = Int(info.st_size)
        remaining = max(0, size - 4)
    }

    func close() { Glibc.close(fd) }

    /// Whether every body byte (all but the trailing checksum) has been read.
    var isAtEnd: Bool { start == end && remaining == 0 }

    /// Fills `bytes` from the body; a body that ends first is a truncated file.
    mutating func read(into bytes: UnsafeMutableRawBufferPointer) throws {
        var filled = 0
        while filled < bytes.count {
            if start == end { try refill() }
            let n = min(end - start, bytes.count - filled)
            buffer.withUnsafeBytes { src in
                bytes.baseAddress!.advanced(by: filled).copyMemory(from: src.baseAddress! + start, byteCount: n)
            }
            start += n
            filled += n
        }
    }

    private mutating func refill() throws {
        guard remaining > 0 else { throw StateError.corrupt(path: path, reason: "it ends early (\(size) bytes)") }
        let want = min(buffer.count, remaining)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, want) }
        if n < 0 && errno == EINTR { return }
        guard n > 0 else {
            throw n < 0 ? StateError.io(path: path, reason: Syscalls.message(forErrno: errno))
                : StateError.corrupt(path: path, reason: "it ends early (\(size) bytes)")
        }
        start = 0
        end = n
        remaining -= n
    }

    mutating func uint32() throws -> UInt32 {
        var v: UInt32 = 0
        try withUnsafeMutableBytes(of: &v) { bytes throws in try read(into: bytes) }
        return UInt32(littleEndian: v)
    }

    mutating func uint64() throws -> UInt64 {
        var v: UInt64 = 0
        try withUnsafeMutableBytes(of: &v) { bytes throws in try read(into: bytes) }
        return UInt64(littleEndian: v)
    }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { bytes throws in try read(into: bytes) }
        return out
    }

    /// A length-prefixed field of at most `limit` bytes.
    mutating func field(limit: Int, what: String) throws -> [UInt8] {
        let count = Int(try uint32())
        guard count <= limit else { throw StateError.corrupt(path: path, reason: "\(what) of \(count) bytes") }
        return try bytes(count)
    }

    mutating func header() throws -> StateFile.Header {
        guard size >= StateFile.magic.count, try bytes(StateFile.magic.count) == StateFile.magic else {
            throw StateError.notAState(path: path, reason: "wrong magic")
        }
        // The magic is there: a file cut before its version is a damaged state, not another file.
        guard size >= StateFile.magic.count + 4 else {
            throw StateError.corrupt(path: path, reason: "it ends early (\(size) bytes)")
        }
        let version = try uint32()
        guard version == StateFile.version else {
            throw StateError.notAState(path: path, reason: "format version \(version), this build reads \(StateFile.version)")
        }
        let settings = String(decoding: try field(limit: 1 << 16, what: "settings"), as: UTF8.self)
        let metadata = try field(limit: 1 << 26, what: "metadata")
        let valuesPerKey = Int(try uint32())
        let keyCount = try uint64()
        guard keyCount < 1 << 40 else { throw StateError.corrupt(path: path, reason: "\(keyCount) keys") }
        return StateFile.Header(
            settings: settings.split(separator: "\n").map(String.init), metadata: metadata,
            valuesPerKey: valuesPerKey, keyCount: Int(keyCount))
    }

    mutating func name() throws -> String {
        let bytes = try field(limit: 1 << 20, what: "a key name")
        guard let name = String(validating: bytes, as: UTF8.self) else {
            throw StateError.corrupt(path: path, reason: "a key name is not UTF-8")
        }
        return name
    }

    mutating func keyState() throws -> KeyState {
        var state = KeyState()
        state.rowCount = Int(Int64(bitPattern: try uint64()))
        state.scheduleRow = Int(Int64(bitPattern: try uint64()))
        state.clipLevel = Double(bitPattern: try uint64())
        state.scoreLower = Double(bitPattern: try uint64())
        state.scoreUpper = Double(bitPattern: try uint64())
        state.sustainedScore = Double(bitPattern: try uint64())
        state.calibrationMass = Double(bitPattern: try uint64())
        state.calibrationWeight = Double(bitPattern: try uint64())
        state.runLength = Int32(bitPattern: try uint32())
        state.quietRowsLeft = Int32(bitPattern: try uint32())
        state.lowRunLength = Int32(bitPattern: try uint32())
        state.lowRunVaried = Int32(bitPattern: try uint32())
        state.rescalesNext = Int32(bitPattern: try uint32())
        state.farRunLength = Int32(bitPattern: try uint32())
        return state
    }

    /// Checks the trailing CRC-32 against every byte before it (reads the whole file).
    mutating func verifyRest(skippingKeys header: StateFile.Header) throws {
        guard size >= StateFile.magic.count + 8 else { throw StateError.corrupt(path: path, reason: "it ends early (\(size) bytes)") }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw StateError.io(path: path, reason: Syscalls.message(forErrno: errno)) }
        var crc: UInt = crc32(0, nil, 0)
        var left = size - 4
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while left > 0 {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, min($0.count, left)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw StateError.corrupt(path: path, reason: "it ends early (\(size) bytes)") }
            crc = chunk.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32(n)) }
            left -= n
        }
        var stored: UInt32 = 0
        let n = withUnsafeMutableBytes(of: &stored) { Glibc.read(fd, $0.baseAddress!, 4) }
        guard n == 4, UInt32(littleEndian: stored) == UInt32(truncatingIfNeeded: crc) else {
            throw StateError.corrupt(path: path, reason: "checksum mismatch (truncated or altered)")
        }
    }
}
