import ArgumentParser
import Foundation

/// Standard output or a created/truncated file, as a file descriptor.
struct OutputTarget {
    let fileDescriptor: Int32
    private let owned: Bool

    /// Opens `path` for writing, or standard output when `path` is nil or "-".
    init(path: String?) throws {
        guard let path, path != "-" else {
            fileDescriptor = STDOUT_FILENO
            owned = false
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        fileDescriptor = fd
        owned = true
    }

    func close() throws {
        if owned && Foundation.close(fileDescriptor) != 0 {
            throw ValidationError("closing output failed: \(String(cString: strerror(errno)))")
        }
    }
}
