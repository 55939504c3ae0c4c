import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``ByteSource`` that can also read a large run of its next bytes with several positional
/// reads at once (`pread(2)` on a regular file): at d = 1024 one thread's `read(2)`, copying
/// the page cache at 4 KB a row, held the archive replay below the engine.
protocol PositionalByteSource: ByteSource {
    /// Reads up to `buffer.count` of the next bytes on up to `workers` threads and moves past
    /// them, as ``ByteSource/read(into:)`` calls would.
    /// - Returns: the bytes read, contiguous from the buffer's start; fewer (0 included) at the
    ///   end of the input, after an error, or when the input cannot be read by position (the
    ///   caller then reads on with ``ByteSource/read(into:)``, which reports the end or error).
    func readConcurrently(into buffer: UnsafeMutableRawBufferPointer, workers: Int) -> Int
}

extension FileByteSource: PositionalByteSource {
    /// Reads of at least this many bytes per worker (fewer are not worth a thread).
    static let minimumChunk = 1 << 20

    func readConcurrently(into buffer: UnsafeMutableRawBufferPointer, workers: Int) -> Int {
        let parts = min(workers, buffer.count / Self.minimumChunk)
        guard parts > 1, let base = buffer.baseAddress else { return 0 }
        // A pipe or terminal has no position: lseek fails and the caller reads sequentially.
        let start = lseek(fileDescriptor, 0, SEEK_CUR)
        guard start >= 0 else { return 0 }
        let chunks = Chunks(fd: fileDescriptor, base: base, count: buffer.count, parts: parts, start: Int(start))
        defer { chunks.got.deallocate() }
        DispatchQueue.concurrentPerform(iterations: parts) { chunks.read($0) }
        var total = 0
        for p in 0..<parts {
            total += chunks.got[p]
            if chunks.got[p] < chunks.range(p).count { break }
        }
        guard lseek(fileDescriptor, off_t(Int(start) + total), SEEK_SET) >= 0 else { return 0 }
        noteConsumed(total)
        return total
    }

    /// One concurrent read: part `p` writes only its range of the buffer and `got[p]`.
    private struct Chunks: @unchecked Sendable {
        let fd: Int32
        let base: UnsafeMutableRawPointer
        let count: Int
        let parts: Int
        let start: Int
        let got: UnsafeMutablePointer<Int>

        init(fd: Int32, base: UnsafeMutableRawPointer, count: Int, parts: Int, start: Int) {
            (self.fd, self.base, self.count, self.parts, self.start) = (fd, base, count, parts, start)
            got = .allocate(capacity: parts)
            got.initialize(repeating: 0, count: parts)
        }

        func range(_ p: Int) -> Range<Int> { count * p / parts..<count * (p + 1) / parts }

        /// Reads part `p` in full, or up to the end of the file or the first error.
        func read(_ p: Int) {
            let r = range(p)
            var done = 0
            while done < r.count {
                let n = pread(fd, base + r.lowerBound + done, r.count - done, off_t(start + r.lowerBound + done))
                if n > 0 {
                    done += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            got[p] = done
        }
    }
}

extension PrefixedByteSource: PositionalByteSource {
    /// The wrapped source's concurrent read, once the prefix has been read (0 before).
    func readConcurrently(into buffer: UnsafeMutableRawBufferPointer, workers: Int) -> Int {
        guard prefixConsumed, let positional = wrapped as? any PositionalByteSource else { return 0 }
        return positional.readConcurrently(into: buffer, workers: workers)
    }
}
