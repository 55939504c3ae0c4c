import ArgumentParser
import ClipStreamCore
import ClipStreamEngine
import ClipStreamIO
import Foundation

/// The input, output-column, state and partition options `score` and `replay` share.
struct RunOptions: ParsableArguments {
    @OptionGroup var columns: InputColumnOptions

    @Option(help: "Explain each row by its top K dimensions (signed shares).")
    var explain: Int = 0

    @Option(help: ArgumentHelp(
        "An empty or NaN feature value: bad-row (the row is bad, --on-bad-row decides) or impute (the key's estimate takes it: the row is scored and learned on its other values; location model without lags or a seasonal reference, e.g. --lags 0 --season off for inputs of at most 4 features).",
        valueName: "policy"))
    var missing: MissingValuePolicy = .badRow

    @Flag(help: "Write pull,lambda,clipped: the bounded-influence record of each update.")
    var audit = false

    @Flag(help: "Write only the rows that alert (every row is still scored and learned; row numbers stay the input's).")
    var alertsOnly = false

    @Option(help: .hidden)
    var batchSize: Int = 4096

    @Option(help: ArgumentHelp(
        "Score only keys of partition I of N (I/N; I may be 'env': JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID).",
        valueName: "I/N"))
    var partition: String?

    @Option(help: "Model at most N keys; rows of further keys are rejected (not scored, not written, counted).")
    var maxKeys: Int?

    @Flag(help: "With --max-keys: evict the least recently seen key for a new one instead of rejecting rows (every row is scored).")
    var evictIdle = false

    @Option(help: "Start from the model state in FILE (made by --save-state with the same options).")
    var loadState: String?

    @Option(help: "Write the whole model state to FILE at the end.")
    var saveState: String?

    @Option(help: "Write a self-contained HTML report to FILE: per key, score and threshold over time, every alert, labels, top attributions.")
    var report: String?

    @Option(help: "Keys drawn in the report: the N with the most alerts, or all (default: 12).")
    var reportKeys: String?

    func validate() throws {
        if explain < 0 { throw ValidationError("--explain must be 0 or more") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        _ = try resolvedPartition(environment: ProcessInfo.processInfo.environment)
        if let maxKeys, maxKeys < 1 { throw ValidationError("--max-keys must be at least 1") }
        if evictIdle && maxKeys == nil { throw ValidationError("--evict-idle needs --max-keys N") }
        if evictIdle && (loadState != nil || saveState != nil) {
            // The eviction order (least recently seen first) is not part of a saved state.
            throw ValidationError("--evict-idle does not combine with --load-state or --save-state yet")
        }
        if let reportKeys {
            if report == nil { throw ValidationError("--report-keys needs --report FILE") }
            if reportKeys != "all" && (Int(reportKeys) ?? 0) < 1 {
                throw ValidationError("--report-keys must be a positive count or all")
            }
        }
        // Written at the end of the run: a folder that cannot take them is said now, not after
        // the whole input was scored.
        for (option, path) in [("--save-state", saveState), ("--report", report)] {
            guard let path else { continue }
            // Written beside and renamed over the path: a device or a pipe there would be
            // replaced by a plain file (as root, `--save-state /dev/null` replaced /dev/null).
            if Syscalls.isSpecialFile(path: path) {
                throw ValidationError("\(option) \(path) is not a regular file (it is written beside and renamed over it): name a file")
            }
            let folder = Syscalls.folder(of: path)
            if access(folder, W_OK) != 0 {
                throw ValidationError("\(option) \(path): cannot write in \(folder) (\(String(cString: strerror(errno))))")
            }
        }
    }

    /// The partition, with `env/N` resolved from the scheduler's variables.
    func resolvedPartition(environment: [String: String]) throws -> KeyPartition? {
        guard let partition else { return nil }
        var text = partition
        var source = ""
        if text.hasPrefix("env/") {
            // An empty variable counts as unset (a template that exports it blank).
            let set = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"].first { !(environment[$0] ?? "").isEmpty }
            guard let name = set, let index = environment[name] else {
                throw ValidationError(
                    "--partition env/N needs JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm) to be set to the task's index")
            }
            text = index + text.dropFirst(3)
            // A Slurm array numbered from 1 gives N/N on its last task: say where I came from.
            if let count = Int(text.dropFirst(index.count + 1)), count >= 1 {
                source = " (I from \(name)=\(index): the tasks must be numbered 0 to \(count - 1))"
            }
        }
        guard let resolved = KeyPartition(text) else {
            throw ValidationError("--partition must be I/N with 0 <= I < N, got \(text)\(source)")
        }
        return resolved
    }

    /// Refuses a run whose files would destroy each other's bytes: an output, the quarantine
    /// file, `--save-state`, `--report` or one of `more` (replay's `--summary`) that is the
    /// input (``OutputTarget/refuseInput(_:asOutput:role:)``) or the `--load-state` file (the
    /// state `--save-state` replaces excepted), or two of them that are one file.
    func refuseWritingInput(_ input: String, output: String?, more: [(role: String, path: String?)] = []) throws {
        var quarantine: String?
        if case .quarantine(let path) = BadRowPolicy(columns.onBadRow) { quarantine = path }
        let named: [(role: String, path: String?)] = [
            ("the output", output ?? "-"), ("the quarantine file", quarantine),
            ("the --save-state file", saveState), ("the --report file", report),
        ] + more
        let written = named.compactMap { file in file.path.map { (role: file.role, path: $0) } }
        for file in written {
            try OutputTarget.refuseInput(input, asOutput: file.path, role: file.role)
            if let loadState, file.path != "-", file.role != "the --save-state file", OutputTarget.nameSameFile(file.path, loadState) {
                throw ValidationError("\(file.role) \(file.path) is the --load-state file: writing it would destroy the state before it is read")
            }
        }
        try OutputTarget.refuseClashes(written)
    }

    /// The pipeline options these flags set.
    func scoringOptions(shards: Int) throws -> ScoringOptions {
        var options = ScoringOptions()
        columns.apply(to: &options)
        options.explainCount = explain
        options.audit = audit
        options.alertsOnly = alertsOnly
        options.batchCapacity = batchSize
        options.shardCount = shards
        options.partition = try resolvedPartition(environment: ProcessInfo.processInfo.environment)
        options.maxKeys = maxKeys
        options.evictsIdle = evictIdle
        return options
    }

    /// A report collector when `--report` is set (attach it as the pipeline's observer).
    func makeReportCollector(options: inout ScoringOptions) -> ReportCollector? {
        guard report != nil else { return nil }
        options.observedExplainCount = max(options.observedExplainCount, ReportCollector.explainCount)
        return ReportCollector()
    }

    /// Writes the `--report` page for `collector`.
    func writeReport(_ collector: ReportCollector?, title: String, input: String, featureNames: [String]) throws {
        guard let path = report, let collector else { return }
        let page = HTMLReport(
            title: title, input: input, collector: collector, featureNames: featureNames,
            keyLimit: reportKeys == "all" ? nil : Int(reportKeys ?? "12"))
        do {
            try Data(page.render().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw OutputError.writeFailed(reason: "\(path): \(error.localizedDescription)")
        }
    }

    /// `imputed N missing values in M rows` (`--missing impute`), `skipped N rows` and one line
    /// per reason, then `rejected N rows` (`--max-keys`), for stderr; empty when nothing was
    /// imputed, skipped or rejected.
    static func skippedReport(_ skipped: [String: Int], rejected: Int, evicted: Int = 0, imputed: RowCounts = RowCounts()) -> String {
        let total = skipped.values.reduce(0, +)
        var text = ""
        if imputed.imputedValues > 0 {
            text += "imputed \(imputed.imputedValues) missing values in \(imputed.imputedRows) rows\n"
        }
        if total > 0 {
            text += "skipped \(total) rows\n"
                + skipped.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
        }
        if rejected > 0 { text += "rejected \(rejected) rows\n" }
        if evicted > 0 { text += "evicted \(evicted) keys\n" }
        return text
    }

    /// The configuration for the header's feature columns, checked against `--explain`.
    static func configuration(
        model: ModelOptions, explain: Int, missing: MissingValuePolicy = .badRow, featureNames: [String]
    ) throws -> Configuration {
        var configuration = try model.configuration(featureNames: featureNames)
        if missing == .impute {
            configuration.imputesMissing = true
            try configuration.validate()
        }
        if explain > configuration.modelDimension {
            throw ValidationError(
                "--explain \(explain) exceeds the \(configuration.modelDimension) model features")
        }
        return configuration
    }
}

/// What an empty or NaN feature value is (`--missing`).
enum MissingValuePolicy: String, ExpressibleByArgument, CaseIterable {
    /// A bad row, handled by `--on-bad-row` (the default).
    case badRow = "bad-row"
    /// A missing value the key imputes (``Configuration/imputesMissing``).
    case impute

    var defaultValueDescription: String { rawValue }
}
