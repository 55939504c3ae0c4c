import ArgumentParser
import ClipStreamIO
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

    /// Refuses an output path that names the input file itself (the same file through any
    /// path or link): the run would empty or overwrite its input before reading it.
    /// Standard output never counts, standard input only when it is that file, and a path
    /// that does not exist yet cannot be the input.
    /// - Parameter role: how the message names the output ("the output", "the --report file").
    static func refuseInput(_ input: String, asOutput output: String?, role: String = "the output") throws {
        guard let output, output != "-" else { return }
        var a = stat(), b = stat()
        // Standard input redirected from the file (`score - -o x.csv < x.csv`) counts too.
        let found = input == "-" ? Syscalls.isRegularFile(STDIN_FILENO) && fstat(STDIN_FILENO, &b) == 0 : stat(input, &b) == 0
        guard found, stat(output, &a) == 0 else { return }
        if isSameFile(a, b) {
            let source = input == "-" ? "the file standard input reads" : "the input file \(input)"
            throw ValidationError("\(role) \(output) is \(source): writing it would destroy the rows before they are read")
        }
    }

    /// Refuses files of one run that name one file (through any path or link): each would
    /// overwrite the other's bytes. `written` pairs a role ("the output", "the --report file")
    /// with its path; standard output ("-") and devices (`/dev/null`) never clash.
    static func refuseClashes(_ written: [(role: String, path: String)]) throws {
        let files = written.filter { $0.path != "-" && !Syscalls.isSpecialFile(path: $0.path) }
        for (i, a) in files.enumerated() {
            for b in files[(i + 1)...] where nameSameFile(a.path, b.path) {
                throw ValidationError("\(a.role) \(a.path) and \(b.role) \(b.path) are one file: give each its own")
            }
        }
    }

    private static func isSameFile(_ a: stat, _ b: stat) -> Bool { a.st_dev == b.st_dev && a.st_ino == b.st_ino }

    /// Whether two paths name one file: the same file when both exist (through any path or
    /// link), else the same path once their folders' links are resolved (`sub/x` and
    /// `link-to-sub/x` are one file before either exists).
    static func nameSameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        if stat(a, &x) == 0 && stat(b, &y) == 0 { return isSameFile(x, y) }
        func resolved(_ path: String) -> String {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
        }
        return resolved(a) == resolved(b)
    }

    /// Empties a file opened with `truncating: false` (nothing for standard output).
    func truncate() throws {
        if owned && Syscalls.isRegularFile(fileDescriptor) && ftruncate(fileDescriptor, 0) != 0 {
            throw ValidationError("cannot truncate the output: \(String(cString: strerror(errno)))")
        }
    }

    func close() throws {
        if owned && Foundation.close(fileDescriptor) != 0 {
            throw ValidationError("closing output failed: \(String(cString: strerror(errno)))")
        }
    }
}
