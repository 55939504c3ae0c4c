/// A ``ByteSource`` reading a file descriptor with `read(2)`: a regular file, a pipe or stdin.
///
/// No buffering of its own: the caller's buffer is passed straight to `read(2)`, so one call costs
/// one system call.
public final class FileByteSource: ByteSource {
    /// The descriptor read from.
    public let fileDescriptor: Int32
    private let ownsDescriptor: Bool
    public private(set) var bytesConsumed = 0

    /// Wraps a descriptor open for reading.
    /// - Parameters:
    ///   - fileDescriptor: The descriptor, e.g. `0` for stdin or one from `open(2)`.
    ///   - ownsDescriptor: When true the source closes the descriptor when it is deallocated.
    public init(fileDescriptor: Int32, ownsDescriptor: Bool) {
        self.fileDescriptor = fileDescriptor
        self.ownsDescriptor = ownsDescriptor
    }

    deinit {
        if ownsDescriptor { Syscalls.closeQuietly(fileDescriptor) }
    }

    /// Reads with `read(2)`, retrying on `EINTR`; a non-blocking descriptor is waited on with `poll(2)`.
    /// - Complexity: One system call when data is waiting.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = try Syscalls.read(fileDescriptor, into: buffer)
        bytesConsumed += n
        return n
    }

    /// Counts bytes read past ``read(into:)`` (the concurrent positional reads).
    func noteConsumed(_ n: Int) { bytesConsumed += n }

    /// `poll(2)` with timeout 0: true when data is waiting, the writer closed, or at end of file.
    /// Regular files are always readable.
    public var isReadable: Bool { Syscalls.isReadable(fileDescriptor) }
}
