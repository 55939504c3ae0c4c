#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The `--on-bad-row quarantine:FILE` sink: bad rows' raw bytes, in input order, buffered and
/// written at the end of each batch the reader fills. Used by the reader thread only.
final class QuarantineFile {
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes written to the file by this run (after its starting offset).
    private(set) var bytesWritten = 0
    /// The first write error, reported by the next ``flush()``.
    private var failure: OutputError?
    /// Buffered bytes that trigger a write (a 1 GiB bad line passes through 1 MiB at a time).
    static let chunk = 1 << 20

    /// The file's length when this run opened it.
    private let offset: Int

    /// Opens `path`, cut to `offset` bytes (0: a fresh file; a checkpoint's length when resuming).
    init(path: String, offset: Int) throws(OutputError) {
        self.path = path
        self.offset = offset
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .writeFailed(reason: "cannot open the quarantine file \(path): \(Syscalls.message(forErrno: errno))")
        }
        // `/dev/null` or a FIFO cannot be cut (nor resumed into: a checkpoint's offset fails).
        if offset == 0 && !Syscalls.isRegularFile(fd) { return }
        guard ftruncate(fd, off_t(offset)) == 0, lseek(fd, off_t(offset), SEEK_SET) == offset else {
            close(fd)
            throw .writeFailed(reason: "cannot prepare the quarantine file \(path): \(Syscalls.message(forErrno: errno))")
        }
    }

    deinit { close(fd) }

    func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunk {
            do {
                try drain()
            } catch {
                if failure == nil { failure = error }
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Writes what is buffered; throws the first error since the last call.
    func flush() throws(OutputError) {
        if let failure {
            self.failure = nil
            throw failure
        }
        try drain()
    }

    /// Cuts the file back to the first `written` bytes this run wrote (a stopped run's reader
    /// may have quarantined rows past the last batch the run scored). Call with the reader
    /// stopped; a file that cannot be cut (`/dev/null`) is left as it is.
    func truncate(toWritten written: Int) throws(OutputError) {
        buffer.removeAll(keepingCapacity: true)
        guard written < bytesWritten, Syscalls.isRegularFile(fd) else { return }
        guard ftruncate(fd, off_t(offset + written)) == 0, lseek(fd, off_t(offset + written), SEEK_SET) >= 0 else {
            throw .writeFailed(reason: "cannot cut the quarantine file \(path): \(Syscalls.message(forErrno: errno))")
        }
        bytesWritten = written
    }

    private func drain() throws(OutputError) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(reason: "quarantine file \(path): \(Syscalls.message(forErrno: errno))")
            }
            offset += n
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
