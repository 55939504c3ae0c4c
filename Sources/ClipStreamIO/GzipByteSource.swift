import CZlib

/// A ``ByteSource`` that gzip-decodes another source with zlib's streaming `inflate`.
///
/// Memory is fixed: one compressed-input buffer of ``inputBufferSize`` bytes plus zlib's 32 KiB
/// window; the file is never held whole and no subprocess is started. Concatenated gzip members
/// (`cat a.gz b.gz`) are decoded one after another, as `gzip -d` does. Bytes after the last member
/// that do not start another member are reported as ``InputError/corruptGzip(reason:)``.
///
/// When the input ends inside a member, every byte decoded before that point is returned first,
/// then the next read throws ``InputError/truncatedGzip``.
public final class GzipByteSource: ByteSource {
    /// Size of the compressed-input buffer, in bytes.
    public static let inputBufferSize = 1 << 16

    private let wrapped: ByteSource
    // zlib keeps a pointer back to the z_stream and checks it on every call, so the stream lives
    // at a fixed heap address rather than in a stored property that could move.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableBufferPointer<Bytef>
    private var inputEnded = false
    private var finished = false
    private var pendingError: InputError?

    /// Starts decoding `wrapped`, which must be positioned at the first byte of a gzip header.
    /// - Parameter wrapped: The compressed source; read in blocks of ``inputBufferSize`` bytes.
    /// - Throws: ``InputError/readFailed(reason:)`` when zlib cannot allocate its state.
    /// - Complexity: Allocates ``inputBufferSize`` bytes plus zlib's state (about 44 KiB).
    public init(wrapping wrapped: ByteSource) throws(InputError) {
        self.wrapped = wrapped
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(capacity: Self.inputBufferSize)
        // windowBits 15 + 16: the largest window, gzip wrapper only (no raw deflate, no zlib
        // wrapper), so a non-gzip input fails at once with "incorrect header check".
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            throw .readFailed(reason: "zlib inflateInit2 failed (\(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Decodes into `buffer`, reading compressed input as needed.
    /// - Returns: Decoded bytes, 0 only after the last member's trailer.
    /// - Throws: ``InputError/corruptGzip(reason:)``, ``InputError/truncatedGzip`` or a read error
    ///   of the wrapped source; once thrown, the same error is thrown again on every later call.
    /// - Complexity: O(bytes decoded); no allocation.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if let pendingError { throw pendingError }
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        let requested = Int(stream.pointee.avail_out)
        do throws(InputError) {
            while true {
                try refillIfEmpty()
                let status = inflate(stream, Z_NO_FLUSH)
                let produced = requested - Int(stream.pointee.avail_out)
                switch status {
                case Z_OK:
                    if produced > 0 { return produced }
                case Z_STREAM_END:
                    // A member ended; another may follow (`cat a.gz b.gz`).
                    try refillIfEmpty()
                    if stream.pointee.avail_in == 0 {
                        finished = true
                        return produced
                    }
                    inflateReset(stream)
                    if produced > 0 { return produced }
                case Z_BUF_ERROR:
                    // No progress possible: zlib needs input and there is none left.
                    if produced > 0 { return produced }
                    if inputEnded && stream.pointee.avail_in == 0 { throw InputError.truncatedGzip }
                case Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR:
                    throw InputError.corruptGzip(reason: zlibMessage(status))
                case Z_MEM_ERROR:
                    throw InputError.readFailed(reason: "zlib ran out of memory")
                default:
                    throw InputError.corruptGzip(reason: zlibMessage(status))
                }
            }
        } catch {
            // Return what was decoded before the damage; the error surfaces on the next call.
            pendingError = error
            let produced = requested - Int(stream.pointee.avail_out)
            if produced > 0 { return produced }
            throw error
        }
    }

    /// True when compressed bytes are buffered or the wrapped source is readable.
    ///
    /// Buffered compressed bytes normally decode to output at once; a read can still wait briefly
    /// when they end mid-block and the rest has not arrived.
    public var isReadable: Bool {
        pendingError != nil || finished || stream.pointee.avail_in > 0 || wrapped.isReadable
    }

    /// Compressed bytes consumed from the wrapped source.
    public var bytesConsumed: Int { wrapped.bytesConsumed }

    /// Reads the next block of compressed input when zlib has consumed the last one.
    private func refillIfEmpty() throws(InputError) {
        guard stream.pointee.avail_in == 0, !inputEnded else { return }
        let n = try wrapped.read(into: UnsafeMutableRawBufferPointer(input))
        if n == 0 {
            inputEnded = true
            return
        }
        stream.pointee.next_in = input.baseAddress
        stream.pointee.avail_in = uInt(n)
    }

    private func zlibMessage(_ status: Int32) -> String {
        if let text = stream.pointee.msg { return String(cString: text) }
        return "zlib status \(status)"
    }
}
