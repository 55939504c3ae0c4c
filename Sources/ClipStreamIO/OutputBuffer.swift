/// A buffer of output bytes written to a file descriptor with `write(2)`.
///
/// Writes copy into a fixed buffer and flush it automatically when it is full, so small writes
/// cost a copy, not a system call. Writes do not throw: when an automatic flush fails, the error
/// is kept in ``error``, later output is discarded, and ``flush()`` throws it. Callers that may
/// write a lot after a failure (such as `| head` closing the pipe) can poll ``error`` to stop early.
///
/// The descriptor is not closed, and nothing is written on deallocation: call ``flush()`` before
/// dropping the buffer (writing from `deinit` could hit a descriptor already closed and reused).
/// Used from one thread at a time; not `Sendable`.
///
/// An in-memory buffer (``init(growingFrom:)``, internal) grows instead of flushing: the
/// parallel line writer formats each chunk of a batch into one, then appends it in order.
public final class OutputBuffer {
    /// The descriptor written to (-1 for an in-memory buffer).
    public let fileDescriptor: Int32
    /// The buffer size in bytes.
    public private(set) var capacity: Int
    /// Whether the buffer grows in memory rather than writing to a descriptor.
    let growsInMemory: Bool
    /// The first write error, if any; once set, later output is discarded.
    public private(set) var error: OutputError?

    private(set) var storage: UnsafeMutablePointer<UInt8>
    var count = 0
    private var drainedBytes = 0

    /// The smallest capacity accepted: room for any one number's text.
    public static let minimumCapacity = 64

    /// Creates an empty buffer.
    /// - Parameters:
    ///   - fileDescriptor: Where ``flush()`` writes, e.g. `1` for stdout.
    ///   - capacity: Buffer size in bytes (default 64 KiB, at least ``minimumCapacity``).
    /// - Complexity: Allocates `capacity` bytes.
    public init(fileDescriptor: Int32, capacity: Int = 1 << 16) {
        precondition(capacity >= Self.minimumCapacity, "capacity must be at least \(Self.minimumCapacity)")
        self.fileDescriptor = fileDescriptor
        self.capacity = capacity
        growsInMemory = false
        storage = .allocate(capacity: capacity)
    }

    /// An in-memory buffer of `capacity` bytes to start with, doubled whenever a write needs
    /// more; never written to a descriptor (``flush()`` does nothing). Read it through ``buffered`` and
    /// empty it with ``clear()``; the storage is kept for the next use.
    init(growingFrom capacity: Int) {
        precondition(capacity >= Self.minimumCapacity, "capacity must be at least \(Self.minimumCapacity)")
        fileDescriptor = -1
        self.capacity = capacity
        growsInMemory = true
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// Total bytes written so far: flushed plus still buffered (after a failure, bytes discarded
    /// are counted too).
    public var bytesWritten: Int { drainedBytes + count }

    /// Appends raw bytes.
    /// - Parameter bytes: The bytes, written as they are.
    /// - Complexity: O(n); a system call when the buffer fills. Writes of at least ``capacity``
    ///   bytes go straight to the descriptor after the buffered bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if growsInMemory {
            reserve(bytes.count)
        } else if bytes.count > capacity - count {
            drain()
            if bytes.count >= capacity {
                emit(bytes)
                drainedBytes += bytes.count
                return
            }
        }
        (storage + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    /// Appends a string's UTF-8 bytes as they are, without CSV quoting.
    /// - Complexity: O(n); no allocation for native strings.
    public func write(_ string: String) {
        var text = string
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Appends one byte, e.g. `UInt8(ascii: ",")`.
    /// - Complexity: O(1); a system call when the buffer fills.
    @inline(__always)
    public func writeByte(_ byte: UInt8) {
        if count == capacity { reserve(1) }
        storage[count] = byte
        count += 1
    }

    /// Writes the buffered bytes to the descriptor, looping over partial writes and `EINTR`.
    /// - Throws: ``OutputError/brokenPipe`` on `EPIPE` (only reported when `SIGPIPE` is ignored),
    ///   ``OutputError/writeFailed(reason:)`` otherwise; also an error kept from an automatic flush.
    /// - Complexity: One `write(2)` per call in the common case.
    public func flush() throws(OutputError) {
        drain()
        if let error { throw error }
    }

    /// Lends room for `maximum` bytes at the buffer's end (flushing first when needed) to
    /// `body`, which writes through a ``LineCursor`` and returns it where it stopped.
    /// - Returns: false, without calling `body`, when `maximum` exceeds the capacity.
    /// - Complexity: O(1) besides `body`; a system call when the buffer must be flushed.
    @inline(__always)
    func withRoom(_ maximum: Int, _ body: (inout LineCursor) -> Void) -> Bool {
        guard maximum <= capacity else { return false }
        reserve(maximum)
        var cursor = LineCursor(at: storage + count)
        body(&cursor)
        count = cursor.position - storage
        assert(count <= capacity)
        return true
    }

    /// Makes room of at least `needed` bytes, flushing when necessary.
    @inline(__always)
    func reserve(_ needed: Int) {
        if capacity - count < needed {
            if growsInMemory { grow(to: count + needed) } else { drain() }
        }
    }

    /// The bytes of an in-memory buffer, valid until the next write or ``clear()``.
    var buffered: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

    /// Empties an in-memory buffer, keeping its storage.
    func clear() {
        assert(growsInMemory)
        count = 0
        drainedBytes = 0
    }

    /// Doubles the storage until `needed` bytes fit (in-memory buffers only).
    private func grow(to needed: Int) {
        var grown = capacity
        while grown < needed { grown *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity = grown
    }

    /// Writes out and empties the buffer, keeping the first error.
    private func drain() {
        guard count > 0, !growsInMemory else { return }
        emit(UnsafeRawBufferPointer(start: storage, count: count))
        drainedBytes += count
        count = 0
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) {
        guard error == nil else { return }
        do throws(OutputError) {
            try Syscalls.writeAll(fileDescriptor, bytes)
        } catch {
            self.error = error
        }
    }
}
