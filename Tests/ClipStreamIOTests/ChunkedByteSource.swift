import ClipStreamIO

/// A test ``ByteSource`` that serves bytes from memory in chunks of at most `chunkSize`, and can
/// pretend that only the first `availableCount` bytes have arrived (for `.wouldBlock`).
final class ChunkedByteSource: ByteSource {
    let bytes: [UInt8]
    let chunkSize: Int
    /// Bytes that have "arrived"; `isReadable` is false once they are all read (until EOF).
    var availableCount: Int
    private(set) var bytesConsumed = 0
    /// The largest buffer a caller offered to `read(into:)`.
    private(set) var largestRequest = 0

    init(_ bytes: [UInt8], chunkSize: Int = 1 << 16, availableCount: Int? = nil) {
        self.bytes = bytes
        self.chunkSize = chunkSize
        self.availableCount = availableCount ?? bytes.count
    }

    convenience init(_ text: String, chunkSize: Int = 1 << 16, availableCount: Int? = nil) {
        self.init(Array(text.utf8), chunkSize: chunkSize, availableCount: availableCount)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        largestRequest = max(largestRequest, buffer.count)
        // Serve only what has "arrived"; when nothing has, act as a blocking read that then got the rest.
        let limit = bytesConsumed < availableCount ? availableCount : bytes.count
        let n = min(buffer.count, chunkSize, limit - bytesConsumed)
        for k in 0..<n { buffer[k] = bytes[bytesConsumed + k] }
        bytesConsumed += n
        return n
    }

    var isReadable: Bool { bytesConsumed < availableCount || bytesConsumed == bytes.count }
}

/// A test source yielding `count` copies of `byte` without holding them, then EOF.
final class RepeatingByteSource: ByteSource {
    let byte: UInt8
    let count: Int
    let chunkSize: Int
    private(set) var bytesConsumed = 0

    init(byte: UInt8, count: Int, chunkSize: Int) {
        self.byte = byte
        self.count = count
        self.chunkSize = chunkSize
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = min(buffer.count, chunkSize, count - bytesConsumed)
        for k in 0..<n { buffer[k] = byte }
        bytesConsumed += n
        return n
    }

    var isReadable: Bool { true }
}

/// One record as read: its starting line and its fields as strings.
struct ReadRecord: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [String]

    var description: String { "\(line): \(fields)" }
}

/// Reads every record of `source`, blocking.
func readAllRecords(
    _ source: ByteSource,
    maxLineLength: Int = CSVReader.defaultMaxLineLength,
    readChunkSize: Int = CSVReader.defaultReadChunkSize
) throws -> [ReadRecord] {
    let reader = CSVReader(source: source, maxLineLength: maxLineLength, readChunkSize: readChunkSize)
    var records: [ReadRecord] = []
    while try reader.next(blocking: true) == .record {
        records.append(currentRecord(reader))
    }
    return records
}

/// Reads every record of `text`.
func readAllRecords(_ text: String, chunkSize: Int = 1 << 16, readChunkSize: Int = CSVReader.defaultReadChunkSize)
    throws -> [ReadRecord]
{
    try readAllRecords(ChunkedByteSource(text, chunkSize: chunkSize), readChunkSize: readChunkSize)
}

/// The reader's current record, fields decoded as UTF-8 ("<invalid>" when not).
func currentRecord(_ reader: CSVReader) -> ReadRecord {
    ReadRecord(line: reader.lineNumber, fields: (0..<reader.fieldCount).map { reader.string(at: $0) ?? "<invalid>" })
}

/// The error `body` throws as an ``InputError``, or nil when it throws none (or another type).
func inputError(_ body: () throws -> Void) -> InputError? {
    do {
        try body()
        return nil
    } catch let error as InputError {
        return error
    } catch {
        return nil
    }
}
