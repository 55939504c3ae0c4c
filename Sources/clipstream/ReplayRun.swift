import ArgumentParser
import ClipStreamCore
import ClipStreamEngine
import ClipStreamIO
import Foundation

/// One replay: opens (or resumes) the output, runs the pipeline and observes it for the
/// summary, the progress and the checkpoints.
final class ReplayRun: ScoringObserver {
    struct Outcome {
        /// The signal that stopped the run early, if one did.
        var signal: Int32?
        /// Input rows consumed.
        var dataRows: Int
    }

    private let command: Replay
    private var totals = ReplayTotals()
    private var progress: ProgressReporter?
    private var checkpointer: Checkpointer?
    private var stoppedBy: Int32?
    private var lastPosition = StreamPosition(dataRows: 0, inputBytes: 0, outputBytes: 0)
    /// The input's own features: model features past them are lags (``ReplayTotals/add``).
    private var ownFeatures = Int.max
    /// Fault injection (`--fault row:N`, `--fault sigterm:N`).
    private var killAfterRow: Int?
    private var terminateAfterRow: Int?
    /// Bad and rejected rows counted before this process (a resumed run).
    private var baseSkipped: [String: Int] = [:]
    private var baseRejected = 0

    init(command: Replay) {
        self.command = command
    }

    func run() throws -> Outcome {
        SignalFlag.install()
        var options = try command.runOptions.scoringOptions(shards: command.model.resolvedShards)
        options.observedExplainCount = max(command.runOptions.explain, 3)
        let collector = command.runOptions.makeReportCollector(options: &options)
        let outputOptions = CheckpointMetadata.OutputOptions(
            keyColumn: options.keyColumn, labelColumn: options.labelColumn,
            timeColumn: options.timeColumn, explain: options.explainCount, audit: options.audit,
            partition: options.partition?.description, onBadRow: command.runOptions.columns.onBadRow,
            maxKeys: options.maxKeys, evictIdle: options.evictsIdle ? true : nil,
            missing: command.runOptions.missing == .impute ? MissingValuePolicy.impute.rawValue : nil,
            alertsOnly: options.alertsOnly ? true : nil)

        var resumed: CheckpointMetadata?
        var checkpointPath: String?
        if let directory = command.checkpoint {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StateError.io(path: directory, reason: "cannot create the checkpoint directory")
            }
            let path = (directory as NSString).appendingPathComponent(CheckpointMetadata.fileName)
            checkpointPath = path
            if command.resume && FileManager.default.fileExists(atPath: path) {
                resumed = try Self.validate(checkpoint: path, input: command.input, output: command.output, options: outputOptions)
                if case .quarantine(let quarantine) = options.badRowPolicy, let resumed {
                    try Self.validate(quarantine: quarantine, checkpoint: path, recordedBytes: resumed.quarantineBytes)
                }
            }
        }

        // Opened now, cut (to nothing, or to the checkpoint's length) only once the state has
        // loaded: a refused state or checkpoint leaves OUTPUT as it was.
        try command.runOptions.refuseWritingInput(
            command.input, output: command.output,
            more: [(role: "the --summary file", path: command.summary), (role: "the checkpoint file", path: checkpointPath)])
        let fd = try Self.openOutput(command.output)
        defer { close(fd) }
        if let resumed {
            options.skipRows = resumed.dataRows
            options.writesHeader = false
            options.quarantineOffset = resumed.quarantineBytes
            totals = resumed.totals
        }
        baseSkipped = totals.badRowsByReason
        baseRejected = totals.rejected
        var quarantinePath: String?
        if case .quarantine(let path) = options.badRowPolicy { quarantinePath = path }
        let startRows = resumed?.dataRows ?? 0
        if let checkpointPath {
            let fingerprint = try CheckpointMetadata.fingerprint(of: command.input, headBytes: resumed?.input.headBytes)
            checkpointer = Checkpointer(
                directory: Syscalls.folder(of: checkpointPath),
                every: command.checkpointEvery, startRow: startRows, outputFD: fd,
                baseOutputBytes: resumed?.outputBytes ?? 0, quarantinePath: quarantinePath,
                baseQuarantineBytes: resumed?.quarantineBytes ?? 0, input: fingerprint, outputOptions: outputOptions)
            if let fault = command.fault, fault.hasPrefix("checkpoint:") {
                checkpointer?.killDuringWrite = Int(fault.dropFirst(11))
            }
        }
        if let fault = command.fault, fault.hasPrefix("row:") { killAfterRow = Int(fault.dropFirst(4)) }
        if let fault = command.fault, fault.hasPrefix("sigterm:") { terminateAfterRow = Int(fault.dropFirst(8)) }
        if !command.quiet {
            let size = (try? FileManager.default.attributesOfItem(atPath: command.input)[.size] as? Int) ?? nil
            progress = ProgressReporter(totalBytes: size, interval: command.progressEvery, startRows: startRows)
        }

        let model = command.model
        let explain = command.runOptions.explain
        let missing = command.runOptions.missing
        let source = try InputOpener.openRows(path: command.input)
        let output = OutputBuffer(fileDescriptor: fd)
        let pipeline = ScoringPipeline(
            source: source, output: output, options: options, logger: command.logging.logger
        ) { featureNames in
            try RunOptions.configuration(model: model, explain: explain, missing: missing, featureNames: featureNames)
        }
        pipeline.inputIsRegularFile = Syscalls.isRegularFile(path: command.input)
        if let collector {
            collector.next = self
            pipeline.observer = collector
        } else {
            pipeline.observer = self
        }
        var engine: ShardedEngine?
        let loadState = command.runOptions.loadState
        let partition = options.partition
        let outputPath = command.output
        pipeline.prepare = { created in
            engine = created
            self.ownFeatures = created.configuration.dimension
            if resumed != nil, let checkpointPath {
                let header = try StateFile.load(checkpointPath, into: created)
                // A state loads under either basis, but OUTPUT's `top` column must keep its meaning.
                let basis = created.configuration.effectiveExplanationBasis
                if explain > 0, let recorded = StateFile.explanationBasis(recordedIn: header), recorded != basis {
                    throw StateError.checkpointMismatch(
                        path: checkpointPath,
                        reason: "its output explains rows with --explain-by \(recorded.rawValue), this run with \(basis.rawValue) (resume with --explain-by \(recorded.rawValue))")
                }
                // A state loads under any alert rate, but OUTPUT's decisions must keep theirs.
                let rate = created.configuration.settings.first { $0.name == "alert-rate" }?.value
                if let recorded = StateFile.setting("alert-rate", recordedIn: header), recorded != rate {
                    throw StateError.checkpointMismatch(
                        path: checkpointPath,
                        reason: "its output decided with --alert-rate \(recorded), this run with \(rate ?? "none") (resume with --alert-rate \(recorded))")
                }
            } else if let loadState {
                try StatePartition.load(loadState, into: created, partition: partition)
            }
            try Self.cut(fd, path: outputPath, to: resumed?.outputBytes ?? 0)
        }
        let start = Date()
        let rowsBefore = totals.rows
        _ = try pipeline.run()
        let seconds = Date().timeIntervalSince(start)
        progress?.update(lastPosition, final: true)
        guard let engine else { return Outcome(signal: stoppedBy, dataRows: lastPosition.dataRows) }
        if stoppedBy == nil {
            // A last checkpoint at the end: a later --resume finds nothing left to do.
            try checkpointer?.write(engine: engine, position: lastPosition, totals: totals, output: output)
            if let path = command.runOptions.saveState { try StatePartition.save(engine, partition: options.partition, to: path) }
        }
        let report = ReplayReport(
            totals: totals, keys: engine.keyCount, dataRows: lastPosition.dataRows,
            rowsThisRun: totals.rows - rowsBefore, seconds: seconds, featureNames: pipeline.featureNames,
            partition: options.partition, complete: stoppedBy == nil)
        FileHandle.standardError.write(Data(report.text.utf8))
        try command.runOptions.writeReport(
            collector, title: "clipstream replay", input: command.input, featureNames: pipeline.featureNames)
        if let path = command.summary {
            do {
                try report.json.write(to: URL(fileURLWithPath: path))
            } catch {
                throw OutputError.writeFailed(reason: "\(path): \(error.localizedDescription)")
            }
        }
        return Outcome(signal: stoppedBy, dataRows: lastPosition.dataRows)
    }

    /// The summary keeps the 10 highest scores: rows below the lowest of them need no look
    /// and no attribution (the output's own `--explain` is computed regardless).
    var scoreFloor: Double { totals.topFloor }

    func counted(_ counts: RowCounts) {
        totals.count(counts)
    }

    func scored(
        row: Int, key: String, result: RowScore, label: UnsafeRawBufferPointer,
        topIndices: UnsafePointer<Int32>, topShares: UnsafePointer<Float>, explainCount: Int
    ) {
        totals.add(
            row: row, key: key, result: result, topIndices: topIndices, topShares: topShares,
            explainCount: explainCount, ownFeatures: ownFeatures)
    }

    func batchWritten(_ position: StreamPosition, engine: ShardedEngine, output: OutputBuffer) throws -> Bool {
        lastPosition = position
        totals.badRowsByReason = baseSkipped.merging(position.skipped, uniquingKeysWith: +)
        totals.rejected = baseRejected + position.rejected
        progress?.update(position)
        // Without the batch's lines (see `wantsOutput`) nothing below may run; a signal that
        // arrived since is handled at the next batch.
        guard position.outputComplete else { return true }
        if let killAfterRow, position.dataRows >= killAfterRow {
            try output.flush()
            kill(getpid(), SIGKILL)
        }
        // Delivered to this thread before `raise` returns: the stop below sees it.
        if let terminateAfterRow, position.dataRows >= terminateAfterRow { raise(SIGTERM) }
        if let signal = SignalFlag.caught {
            stoppedBy = signal
            try checkpointer?.write(engine: engine, position: position, totals: totals, output: output)
            return false
        }
        if let checkpointer, checkpointer.isDue(position.dataRows) {
            try checkpointer.write(engine: engine, position: position, totals: totals, output: output)
        }
        return true
    }

    /// The batch's lines are needed for a checkpoint, a stop by signal, and the fault
    /// injection's kill; other batches leave the writer thread running.
    func wantsOutput(at position: StreamPosition) -> Bool {
        if let killAfterRow, position.dataRows >= killAfterRow { return true }
        if let terminateAfterRow, position.dataRows >= terminateAfterRow { return true }
        if SignalFlag.caught != nil { return true }
        return checkpointer?.isDue(position.dataRows) ?? false
    }

    /// Checks that the checkpoint belongs to this input, these output options and this
    /// output (never shorter than recorded); the configuration is checked when it loads.
    static func validate(
        checkpoint path: String, input: String, output: String,
        options: CheckpointMetadata.OutputOptions
    ) throws -> CheckpointMetadata {
        let metadata = try Checkpointer.read(path)
        guard metadata.format <= CheckpointMetadata.currentFormat else {
            throw StateError.checkpointMismatch(
                path: path,
                reason: "it has format \(metadata.format), made by a newer clipstream (this one reads up to \(CheckpointMetadata.currentFormat))")
        }
        var expected = options
        if metadata.format < 2 { (expected.maxKeys, expected.evictIdle) = (nil, nil) }
        guard metadata.output.normalized == expected.normalized else {
            throw StateError.checkpointMismatch(
                path: path, reason: "it was made with other output options: " + metadata.output.differences(from: expected).joined(separator: ", "))
        }
        let now = try CheckpointMetadata.fingerprint(of: input, headBytes: metadata.input.headBytes)
        guard now.headBytes == metadata.input.headBytes, now.headCRC == metadata.input.headCRC,
            now.size >= metadata.input.size
        else {
            throw StateError.checkpointMismatch(path: path, reason: "it was made from another input than \(input)")
        }
        // A device or a pipe keeps no bytes to check (`-o /dev/null`): the run goes on there.
        if Syscalls.isSpecialFile(path: output) { return metadata }
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? nil
        guard let size, size >= metadata.outputBytes else {
            throw StateError.checkpointMismatch(
                path: path,
                reason: "\(output) is shorter (\(size.map(String.init) ?? "missing")) than the \(metadata.outputBytes) bytes recorded")
        }
        if let recorded = metadata.outputTailCRC {
            let fd = open(output, O_RDONLY | O_CLOEXEC)
            let now = fd >= 0 ? CheckpointMetadata.outputTailCRC(fd, length: metadata.outputBytes) : nil
            if fd >= 0 { close(fd) }
            guard now == recorded else {
                throw StateError.checkpointMismatch(
                    path: path,
                    reason: "\(output) does not hold what the run wrote before it (its bytes before offset \(metadata.outputBytes) differ: another file, or changed since)")
            }
        }
        return metadata
    }

    /// Checks that the quarantine file still holds the bytes the checkpoint recorded: cut back
    /// to that length on resume, a deleted or shortened file was padded with zero bytes.
    static func validate(quarantine path: String, checkpoint: String, recordedBytes: Int) throws {
        guard recordedBytes > 0 else { return }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard Syscalls.isSpecialFile(path: path) || (size ?? -1) >= recordedBytes else {
            throw StateError.checkpointMismatch(
                path: checkpoint,
                reason: "the quarantine file \(path) is shorter than the \(recordedBytes) bytes recorded (deleted or cut since)")
        }
    }

    /// Opens OUTPUT for writing (and, a regular file, reading: a checkpoint reads back its
    /// tail), created if missing, its bytes untouched (see ``cut(_:path:to:)``).
    static func openOutput(_ path: String) throws -> Int32 {
        var fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        // A regular file is reopened for reading too; a FIFO or a terminal is not (a reader's
        // own read end would keep a pipe open after its consumer left), nor a file we may
        // only write: their checkpoints record no tail to check.
        if fd >= 0 && Syscalls.isRegularFile(fd) {
            let both = open(path, O_RDWR | O_CLOEXEC)
            if both >= 0 {
                close(fd)
                fd = both
            }
        }
        guard fd >= 0 else {
            throw OutputError.writeFailed(reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// Cuts OUTPUT to `length` bytes (0 for a fresh run, the checkpoint's length when resuming)
    /// and positions the descriptor there.
    static func cut(_ fd: Int32, path: String, to length: Int) throws {
        // Not a regular file (`-o /dev/null` to only save a state, a FIFO): nothing to cut; a
        // resumed run writes on from its checkpoint.
        if !Syscalls.isRegularFile(fd) { return }
        guard ftruncate(fd, off_t(length)) == 0, lseek(fd, off_t(length), SEEK_SET) == length else {
            throw OutputError.writeFailed(reason: "cannot cut \(path) to \(length) bytes: \(String(cString: strerror(errno)))")
        }
    }
}
