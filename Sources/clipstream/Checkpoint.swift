import ArgumentParser
import ClipStreamEngine
import ClipStreamIO
import Foundation

/// What a checkpoint records besides the model state (the state file's metadata, JSON).
struct CheckpointMetadata: Codable, Equatable {
    /// Identifies the input: its size and the CRC-32 of its first bytes when checkpointed.
    struct InputFingerprint: Codable, Equatable {
        var path: String
        var size: Int
        var headBytes: Int
        var headCRC: UInt32
    }

    /// The options that shape the output's bytes.
    struct OutputOptions: Codable, Equatable {
        var keyColumn: String
        var labelColumn: String?
        var timeColumn: String?
        var explain: Int
        var audit: Bool
        var partition: String?
        var onBadRow: String
        /// `--max-keys` and `--evict-idle` decide which rows are scored (nil: no limit, and not
        /// evicting), so a resume under others would splice two runs. Absent from checkpoints
        /// written before they were recorded, which read as nil.
        var maxKeys: Int?
        var evictIdle: Bool?
        /// `--missing`: `impute`, or nil for `bad-row` (and in checkpoints written before it),
        /// which decides which rows are scored.
        var missing: String?
        /// `--alerts-only` (nil: off, and in checkpoints written before it), which decides
        /// which rows are written.
        var alertsOnly: Bool?

        /// The same options with each default spelled as its absence: `false` for
        /// `--evict-idle` and `--alerts-only`, `bad-row` for `--missing` mean what a checkpoint
        /// without them means (a hand-edited one was refused under the same options, with no
        /// option named).
        var normalized: OutputOptions {
            var options = self
            if options.evictIdle == false { options.evictIdle = nil }
            if options.alertsOnly == false { options.alertsOnly = nil }
            if options.missing == "bad-row" { options.missing = nil }
            return options
        }

        /// Each option that differs from `other`'s, as `--option recorded (here: current)`.
        func differences(from other: OutputOptions) -> [String] {
            func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "none" }
            let pairs: [(String, String, String)] = [
                ("--key-column", keyColumn, other.keyColumn), ("--label-column", text(labelColumn), text(other.labelColumn)),
                ("--time-column", text(timeColumn), text(other.timeColumn)), ("--explain", "\(explain)", "\(other.explain)"),
                ("--audit", "\(audit)", "\(other.audit)"), ("--partition", text(partition), text(other.partition)),
                ("--on-bad-row", onBadRow, other.onBadRow), ("--max-keys", text(maxKeys), text(other.maxKeys)),
                ("--evict-idle", text(evictIdle), text(other.evictIdle)), ("--missing", missing ?? "bad-row", other.missing ?? "bad-row"),
                ("--alerts-only", "\(alertsOnly ?? false)", "\(other.alertsOnly ?? false)"),
            ]
            return pairs.filter { $0.1 != $0.2 }.map { "\($0.0) \($0.1) (here: \($0.2))" }
        }
    }

    /// 2 since the output options hold `--max-keys` and `--evict-idle` (a checkpoint of
    /// format 1 did not record them, and resumes under any); 3 since they hold
    /// `--alerts-only` (format 2 resumes with it off).
    var format = Self.currentFormat
    /// The newest format this build reads: a newer checkpoint's options may include some this
    /// build would ignore, so it is refused rather than resumed (a build before format 3
    /// resumed an `--alerts-only` run's checkpoint and spliced full output into it).
    static let currentFormat = 3
    /// Data records consumed (the next run skips them).
    var dataRows: Int
    /// Length of the output when this checkpoint was taken (everything before it flushed and
    /// synced).
    var outputBytes: Int
    /// CRC-32 of the output's last ``outputTailBytes`` bytes before `outputBytes` (fewer in a
    /// shorter output): a resume into another file, or one changed since, is refused instead of
    /// continuing its bytes. Absent from checkpoints written before it was recorded.
    var outputTailCRC: UInt32?
    /// Length of the quarantine file then (0 without one).
    var quarantineBytes: Int
    var input: InputFingerprint
    var output: OutputOptions
    var totals: ReplayTotals

    /// Whether the position and the counts could come from a run over the recorded input: none
    /// negative, no more rows counted than its bytes could hold once inflated (gzip reaches
    /// about 1,000:1) nor than the position has consumed, and row numbers far from overflow
    /// (an archive keeps the numbers of the CSV it came from, so a partition's archive of a
    /// few bytes may be at row 10^6). A
    /// crafted checkpoint (its checksum resealed) with a negative output length trapped, one
    /// of `Int.max` rows overflowed, and one of 10^18 rows skipped the rest of the input
    /// without a word.
    var isPlausible: Bool {
        let inflated = input.size > Int.max / 4096 ? Int.max : max(0, input.size) * 4096
        let counts = [totals.rows, totals.alerts, totals.withheld, totals.muted, totals.runCapped,
                      totals.imputedRows, totals.imputedValues, totals.rejected]
            + Array(totals.badRowsByReason.values) + Array(totals.alertsPerKey.values)
        let rowNumbers = [dataRows] + totals.top.map(\.row)
        let badRows = totals.badRowsByReason.values.reduce((0, false)) { sum, n in
            let next = sum.0.addingReportingOverflow(n)
            return (next.partialValue, sum.1 || next.overflow)
        }
        // The output's and the quarantine's lengths are checked against their files.
        guard counts.allSatisfy((0...inflated).contains), rowNumbers.allSatisfy((0...Self.largestRowNumber).contains),
            !badRows.1, outputBytes >= 0, quarantineBytes >= 0
        else { return false }
        // Every row counted (scored, rejected beyond `--max-keys`, bad) was consumed: one whose
        // position was moved back behind its counts resumed, wrote the rows in between twice
        // and trained on them twice. (All of them non-negative here, so nothing overflows.)
        guard totals.rows <= dataRows, totals.rejected <= dataRows - totals.rows,
            badRows.0 <= dataRows - totals.rows - totals.rejected
        else { return false }
        // The top rows' feature indices: a negative one trapped the summary.
        return totals.top.allSatisfy { $0.features.allSatisfy { $0 >= 0 } && $0.features.count == $0.shares.count }
    }

    /// The largest data-row number a checkpoint may hold: 2^53, far beyond any input and from
    /// overflow in the checkpoint arithmetic.
    static let largestRowNumber = 1 << 53

    static let fileName = "checkpoint.state"
    /// Bytes of the output's tail that ``outputTailCRC`` covers.
    static let outputTailBytes = 1 << 16

    /// The CRC-32 of the `outputTailBytes` bytes of `fd` before offset `length` (nil when
    /// they cannot be read: a file shorter than `length`, or not a regular file).
    static func outputTailCRC(_ fd: Int32, length: Int) -> UInt32? {
        let start = max(0, length - outputTailBytes)
        var bytes = [UInt8](repeating: 0, count: length - start)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(start + done)) }
            if n <= 0 { return nil }
            done += n
        }
        return bytes.withUnsafeBytes { Checksum.crc32($0) }
    }

    /// The fingerprint of `path` now: its size and the CRC-32 of its first `min(size, 1 MiB)`
    /// bytes (or of the first `headBytes` when checking an earlier fingerprint).
    static func fingerprint(of path: String, headBytes: Int? = nil) throws -> InputFingerprint {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        let count = headBytes ?? min(size, 1 << 20)
        let head = try handle.read(upToCount: count) ?? Data()
        let crc = head.withUnsafeBytes { Checksum.crc32($0) }
        return InputFingerprint(path: path, size: size, headBytes: head.count, headCRC: crc)
    }
}

/// Writes checkpoints: after the output up to a batch is flushed and synced, the engine state
/// with the position, atomically (`StateFile.write`: temporary file, fsync, rename).
final class Checkpointer {
    let path: String
    let every: Int
    private var nextAt: Int
    let outputFD: Int32
    /// Output bytes before this process started (a resumed output).
    let baseOutputBytes: Int
    /// Quarantine file and its bytes before this process started.
    let quarantinePath: String?
    let baseQuarantineBytes: Int
    let input: CheckpointMetadata.InputFingerprint
    let outputOptions: CheckpointMetadata.OutputOptions
    /// Fault injection: the checkpoint write (1-based) in which the process kills itself, after
    /// leaving a half-written temporary file.
    var killDuringWrite: Int?
    private var writes = 0

    init(
        directory: String, every: Int, startRow: Int, outputFD: Int32, baseOutputBytes: Int,
        quarantinePath: String?, baseQuarantineBytes: Int,
        input: CheckpointMetadata.InputFingerprint, outputOptions: CheckpointMetadata.OutputOptions
    ) {
        self.quarantinePath = quarantinePath
        self.baseQuarantineBytes = baseQuarantineBytes
        path = (directory as NSString).appendingPathComponent(CheckpointMetadata.fileName)
        self.every = every
        nextAt = (startRow / every + 1) * every
        self.outputFD = outputFD
        self.baseOutputBytes = baseOutputBytes
        self.input = input
        self.outputOptions = outputOptions
    }

    /// Whether a checkpoint is due at `dataRows`.
    func isDue(_ dataRows: Int) -> Bool { dataRows >= nextAt }

    func write(
        engine: ShardedEngine, position: StreamPosition, totals: ReplayTotals, output: OutputBuffer
    ) throws {
        try output.flush()
        // A device or a pipe (`-o /dev/null` to only save a state) has nothing to sync.
        guard !Syscalls.isRegularFile(outputFD) || fsync(outputFD) == 0 else {
            throw OutputError.writeFailed(reason: "fsync: " + String(cString: strerror(errno)))
        }
        if let quarantinePath, !Syscalls.isSpecialFile(path: quarantinePath) {
            // The reader thread wrote these bytes; fsync through any descriptor of the file.
            let fd = open(quarantinePath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0, fsync(fd) == 0 else {
                throw OutputError.writeFailed(reason: "fsync of \(quarantinePath): " + String(cString: strerror(errno)))
            }
            close(fd)
        }
        let outputBytes = baseOutputBytes + position.outputBytes
        let metadata = CheckpointMetadata(
            dataRows: position.dataRows, outputBytes: outputBytes,
            outputTailCRC: CheckpointMetadata.outputTailCRC(outputFD, length: outputBytes),
            quarantineBytes: baseQuarantineBytes + position.quarantineBytes,
            input: input, output: outputOptions, totals: totals)
        writes += 1
        if writes == killDuringWrite {
            _ = FileManager.default.createFile(atPath: path + ".tmp", contents: Data(StateFile.magic + [1, 0]))
            kill(getpid(), SIGKILL)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try StateFile.write(engine, metadata: Array(try encoder.encode(metadata)), to: path)
        nextAt = (position.dataRows / every + 1) * every
    }

    /// Reads a checkpoint's metadata (verifying the whole file's checksum).
    static func read(_ path: String) throws -> CheckpointMetadata {
        let header = try StateFile.readHeader(path)
        let metadata: CheckpointMetadata
        do {
            metadata = try JSONDecoder().decode(CheckpointMetadata.self, from: Data(header.metadata))
        } catch {
            throw StateError.notAState(path: path, reason: "a model state without a checkpoint's position")
        }
        guard metadata.isPlausible else {
            throw StateError.corrupt(path: path, reason: "its position or counts are out of range (negative, more rows than the input has bytes, or more counted than read)")
        }
        return metadata
    }
}
