/// Opens an input path as a ``ByteSource``, detecting gzip by its magic bytes.
public enum InputOpener {
    /// The path that means standard input.
    public static let standardInputPath = "-"

    /// Opens `path` (`"-"` means stdin) for reading.
    ///
    /// Peeks the first two bytes: `1f 8b` wraps the input in a ``GzipByteSource``; anything else
    /// is read as plain text, whatever the file's name. The peeked bytes are kept in a small prefix
    /// buffer, so nothing is lost on pipes and stdin, where seeking back is impossible.
    /// - Parameter path: A file path, or `"-"` for stdin (which is not closed afterwards).
    /// - Returns: The source, owning its descriptor (except stdin's).
    /// - Throws: ``InputError/cannotOpen(path:reason:)`` (missing, unreadable, a directory),
    ///   ``InputError/readFailed(reason:)`` when the peek fails.
    /// - Complexity: Blocks until two bytes arrive or the input ends.
    public static func open(path: String) throws(InputError) -> ByteSource {
        let file: FileByteSource
        if path == standardInputPath {
            file = FileByteSource(fileDescriptor: 0, ownsDescriptor: false)
        } else {
            let fd = try Syscalls.openForReading(path)
            file = FileByteSource(fileDescriptor: fd, ownsDescriptor: true)
        }
        let magic = try peek(file, count: 2)
        let plain = PrefixedByteSource(prefix: magic, wrapping: file)
        if magic == [0x1F, 0x8B] {
            return try GzipByteSource(wrapping: plain)
        }
        return plain
    }

    /// Opens `path` as rows: a binary archive when its (decompressed) bytes start with the
    /// archive's magic, CSV text otherwise; chosen by content, never by the file's name.
    public static func openRows(path: String) throws(InputError) -> RowSource {
        let source = try open(path: path)
        let magic = try peek(source, count: ArchiveFormat.magic.count)
        let prefixed = PrefixedByteSource(prefix: magic, wrapping: source)
        guard magic == ArchiveFormat.magic else { return .csv(CSVReader(source: prefixed)) }
        do {
            return .archive(try ArchiveReader(source: prefixed))
        } catch {
            throw .archive(error)
        }
    }

    /// Opens `path` as CSV for a command that reads nothing else: a binary archive is refused
    /// by its magic (read as text, it failed on "invalid UTF-8" in its first line).
    /// - Parameter maxLineLength: The longest record accepted (``CSVReader``'s default 1 MiB).
    public static func openCSV(
        path: String, maxLineLength: Int = CSVReader.defaultMaxLineLength
    ) throws(InputError) -> CSVReader {
        let source = try open(path: path)
        let magic = try peek(source, count: ArchiveFormat.magic.count)
        if magic == ArchiveFormat.magic { throw .archiveWhereCSVExpected }
        return CSVReader(source: PrefixedByteSource(prefix: magic, wrapping: source), maxLineLength: maxLineLength)
    }

    /// Reads up to `count` bytes, fewer only at end of input (a pipe may deliver them one by one).
    private static func peek(_ source: ByteSource, count: Int) throws(InputError) -> [UInt8] {
        // A heap block rather than `Array.withUnsafeMutableBytes`, whose untyped `rethrows` would
        // erase the typed error.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < count {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        let bytes = Array(buffer[..<filled])
        return bytes
    }
}
