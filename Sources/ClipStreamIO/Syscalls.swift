#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// File-scope forwarders: inside `Syscalls` the names `read`, `write` and `poll` would resolve to
// the enum's own methods, and qualifying them as `Glibc.read` would tie the file to one libc.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

private func systemPoll(_ entry: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeout: Int32) -> Int32 {
    poll(entry, nfds_t(count), timeout)
}

/// The module's only calls into the C library's file API, each retried on `EINTR` and mapped to
/// typed errors (swift-system's one-file-for-every-C-call convention).
public enum Syscalls {
    /// The folder holding `path`: `.` for a bare name, `/` for a name at the root. (Foundation's
    /// `NSString.deletingLastPathComponent` trapped on short bare names such as `s` and `ck`:
    /// `score --save-state s` crashed.)
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Whether `fd` is a regular file: only those can be cut. `/dev/null`, a FIFO or a
    /// terminal cannot (`ftruncate` fails with `EINVAL`), and have nothing to cut.
    public static func isRegularFile(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether `path` names a regular file (false when it names nothing).
    public static func isRegularFile(path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether `path` names something that is not a regular file: a device, a pipe, a
    /// directory (false when it names nothing). Such a path must never be renamed over.
    public static func isSpecialFile(path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
    }

    /// Whether two input paths (`"-"`: standard input) would read one stream: the same pipe,
    /// socket or terminal, which two readers would take turns draining (`-` and `/dev/stdin`,
    /// or one FIFO named twice). Two opens of one regular file read it independently.
    public static func shareOneStream(_ a: String, _ b: String) -> Bool {
        func identity(_ path: String) -> (dev_t, ino_t)? {
            var info = stat()
            let found = path == InputOpener.standardInputPath ? fstat(0, &info) == 0 : stat(path, &info) == 0
            guard found else { return nil }
            let type = info.st_mode & S_IFMT
            guard type == S_IFIFO || type == S_IFSOCK || type == S_IFCHR else { return nil }
            return (info.st_dev, info.st_ino)
        }
        guard let first = identity(a), let second = identity(b) else { return false }
        return first == second
    }

    /// The message for an `errno` value, e.g. "No such file or directory".
    static func message(forErrno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// `open(path, O_RDONLY | O_CLOEXEC)`, refusing directories.
    ///
    /// Linux lets `open(2)` succeed on a directory and only fails the first `read(2)`, so the
    /// descriptor is checked with `fstat(2)` to report the problem where the user named the path.
    static func openForReading(_ path: String) throws(InputError) -> Int32 {
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        if fd < 0 {
            throw .cannotOpen(path: path, reason: message(forErrno: errno))
        }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .cannotOpen(path: path, reason: "is a directory")
        }
        return fd
    }

    /// `read(2)` into `buffer`, retried on `EINTR`; on a non-blocking descriptor it waits with
    /// `poll(2)` so the call keeps blocking semantics. Returns 0 only at end of input.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if InputInterruption.isInstalled {
            if let signal = InputInterruption.caught { throw .interrupted(signal: signal) }
            // A pipe or a terminal may block for ever: wait for it or for the wake-up.
            if !isRegularFile(fd) && !waitForInputOrWakeUp(fd) {
                throw .interrupted(signal: InputInterruption.caught ?? SIGTERM)
            }
        }
        while true {
            let n = systemRead(fd, base, buffer.count)
            if n >= 0 { return n }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                _ = poll(fd, timeoutMilliseconds: -1)
                continue
            }
            throw .readFailed(reason: message(forErrno: code))
        }
    }

    /// Whether a read on `fd` would return at once: data is waiting, the writer closed, or an
    /// error is pending (the read then reports it). Uses `poll(2)` with timeout 0.
    static func isReadable(_ fd: Int32) -> Bool {
        poll(fd, timeoutMilliseconds: 0)
    }

    /// Waits until `fd` has input (or hung up, or failed: the read reports it): true; or until
    /// ``InputInterruption`` wakes the reader: false.
    private static func waitForInputOrWakeUp(_ fd: Int32) -> Bool {
        var entries = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: InputInterruption.wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            let n = entries.withUnsafeMutableBufferPointer { systemPoll($0.baseAddress!, 2, -1) }
            if InputInterruption.caught != nil || (n > 0 && entries[1].revents != 0) { return false }
            if n > 0 || errno != EINTR { return true }
        }
    }

    /// Polls `fd` for input; true when readable, hung up or in error.
    private static func poll(_ fd: Int32, timeoutMilliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let n = systemPoll(&entry, 1, timeoutMilliseconds)
            if n > 0 { return true }
            if n == 0 { return false }
            // A failed poll is not ours to report: say "readable" so the read itself reports it.
            if errno != EINTR { return true }
        }
    }

    /// Writes all of `bytes` to `fd`, looping over partial writes and `EINTR`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = systemWrite(fd, next, left)
            if n > 0 {
                next += n
                left -= n
                continue
            }
            let code = errno
            if n < 0 && code == EINTR { continue }
            if n < 0 && (code == EAGAIN || code == EWOULDBLOCK) {
                // A non-blocking output descriptor: wait until it drains rather than spin.
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = systemPoll(&entry, 1, -1)
                continue
            }
            if n < 0 && code == EPIPE { throw .brokenPipe }
            throw .writeFailed(reason: n < 0 ? message(forErrno: code) : "write returned 0")
        }
    }

    /// Closes `fd`, ignoring errors: a descriptor we only read from has nothing left to lose.
    static func closeQuietly(_ fd: Int32) {
        _ = close(fd)
    }
}
