/// A source of bytes: a file descriptor (file, pipe or stdin), optionally gzip-decoded.
///
/// Sources are used from one thread at a time and are not `Sendable`: each holds a cursor into
/// its input.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`.
    ///
    /// Blocks until at least one byte is available or the input ends.
    /// - Parameter buffer: Where to put the bytes; must not be empty.
    /// - Returns: The number of bytes read, 0 only at end of input.
    /// - Throws: ``InputError`` when the read or the decoding fails.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int

    /// True when ``read(into:)`` would return without blocking: data is buffered, or the
    /// descriptor is readable or at end of input. Uses `poll(2)` with timeout 0.
    var isReadable: Bool { get }

    /// Bytes consumed from the underlying file so far (compressed bytes for gzip), for progress.
    var bytesConsumed: Int { get }
}
