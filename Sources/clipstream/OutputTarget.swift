import ArgumentParser
import Foundation

/// Standard output or a created/truncated file, as a file descriptor.
struct OutputTarget {
    let fileDescriptor: Int32
    private let owned: Bool

    /// Opens `path` for writing, or standard output when `path` is nil or "-".
    /// - Parameter truncating: false keeps the file's bytes until ``truncate()`` (so a run
    ///   refused before its first row, e.g. for a state of another configuration, leaves it be).
    init(path: String?, truncating: Bool = true) throws {
        guard let path, path != "-" else {
            fileDescriptor = STDOUT_FILENO
            owned = false
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncating ? O_TRUNC : 0), 0o644)
        guard fd >= 0 else {
            throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        fileDescriptor = fd
        owned = true
    }

    /// Empties a file opened with `truncating: false` (nothing for standard output).
    func truncate() throws {
        if owned && ftruncate(fileDescriptor, 0) != 0 {
            throw ValidationError("cannot truncate the output: \(String(cString: strerror(errno)))")
        }
    }

    func close() throws {
        if owned && Foundation.close(fileDescriptor) != 0 {
            throw ValidationError("closing output failed: \(String(cString: strerror(errno)))")
        }
    }
}
