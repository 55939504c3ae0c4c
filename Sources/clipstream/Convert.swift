import ArgumentParser
import ClipStreamIO
import Foundation

/// `clipstream convert`: CSV (plain or .gz) to the binary archive format.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a CSV stream to the binary archive format (Docs/formats.md), optionally split by key partition.",
        discussion: """
            The CSV is read as `score` reads it: the same key, label and time columns and the \
            same bad-row policy; rows keep their data-row numbers. With --partitions N, N \
            archives OUTPUT.0 ... OUTPUT.<N-1> hold the keys of partitions 0/N ... (N-1)/N \
            (the partitions of `--partition I/N`), so each worker of a distributed replay \
            reads only its own file.
            """)

    @Argument(help: "Input CSV file, .gz file, or - for standard input.")
    var input: String
    @Argument(help: "Output archive (with --partitions N: the prefix of N archives).")
    var output: String
    @Option(help: "Split into N archives by key partition.")
    var partitions: Int = 1
    @OptionGroup var columns: InputColumnOptions

    func validate() throws {
        guard (1...4096).contains(partitions) else { throw ValidationError("--partitions must be in 1...4096") }
        // An archive is written in blocks and finished in place: it cannot go to a pipe.
        if output == "-" { throw ValidationError("convert writes archive files; OUTPUT cannot be - (standard output)") }
        // Each archive is written beside its path and renamed over it: never over a device.
        for path in paths where Syscalls.isSpecialFile(path: path) {
            throw ValidationError("convert writes archive files; \(path) is not a regular file")
        }
    }

    /// Creates `PATH.XXXXXX` (`mkstemp`: a new name, never an existing file) with the mode a
    /// new file gets (0644 less the umask); returns its descriptor and name.
    private static func createTemporary(beside path: String) throws -> (Int32, String) {
        var template = Array((path + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError.writeFailed(reason: "\(path): \(String(cString: strerror(errno)))") }
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o644 & ~mask)
        return (fd, template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    private static func isEmptyFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size == 0
    }

    /// The archive paths: OUTPUT, or OUTPUT.0 ... OUTPUT.<N-1>.
    var paths: [String] { partitions == 1 ? [output] : (0..<partitions).map { "\(output).\($0)" } }

    func run() throws {
        var options = ScoringOptions()
        columns.apply(to: &options)
        let paths = self.paths
        try CommandErrors.exitOnFailure {
            for path in paths { try OutputTarget.refuseInput(input, asOutput: path) }
            try columns.refuseQuarantineClash(input: input, outputs: paths)
            let reader = try InputOpener.openCSV(path: input)
            // Written beside each OUTPUT (a fresh, uniquely named file) and renamed over it:
            // an input refused before its first row (a missing key column, a header only)
            // leaves an existing archive as it was (it was emptied, then removed). A symbolic
            // link is written through, as before: its target is replaced.
            var written: [(temporary: String, path: String)] = []
            var descriptors: [Int32] = []
            defer { for fd in descriptors { close(fd) } }
            let start = Date()
            let summary: ConversionSummary
            do {
                for path in paths {
                    let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                    let (fd, temporary) = try Self.createTemporary(beside: target)
                    descriptors.append(fd)
                    written.append((temporary, target))
                }
                summary = try ArchiveConverter(reader: reader, options: options, outputs: descriptors).run()
            } catch {
                // No empty file stays behind; an archive cut at a bad row keeps its rows
                // (readers call it truncated).
                for (temporary, path) in written {
                    if Self.isEmptyFile(temporary) { unlink(temporary) } else { rename(temporary, path) }
                }
                throw error
            }
            for (temporary, path) in written where rename(temporary, path) != 0 {
                throw OutputError.writeFailed(reason: "\(path): rename failed: \(String(cString: strerror(errno)))")
            }
            let seconds = Date().timeIntervalSince(start)
            var text = "converted \(summary.rows) rows in \(String(format: "%.2f", seconds)) s"
            if paths.count > 1 { text += " into \(paths.count) archives: " + summary.rowsPerArchive.map(String.init).joined(separator: ", ") + " rows" }
            text += "\n" + RunOptions.skippedReport(summary.skipped, rejected: 0)
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}
