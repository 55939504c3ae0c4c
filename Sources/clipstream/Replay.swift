import ArgumentParser
import ClipStreamCore
import ClipStreamEngine
import ClipStreamIO
import Foundation

/// `clipstream replay`: score an archive into a file, with progress, a summary, model state,
/// checkpoints and resume.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay an archive (CSV or .gz) into OUTPUT: progress, summary, checkpoints, resume.",
        discussion: """
            OUTPUT gets exactly what `score` would write. The summary (rows, keys, alerts, top \
            anomalies with explanations, alerts per key, throughput) goes to stderr, and as JSON \
            to --summary FILE. With --checkpoint DIR --checkpoint-every N the engine state, the \
            input position and the output length are written atomically every N input rows; \
            --resume continues from the last one (a run killed at any moment and resumed gives \
            a byte-identical OUTPUT). SIGINT/SIGTERM write a final checkpoint and stop. \
            Docs/replay.md.
            """)

    @Argument(help: "Input CSV file, .gz file or archive (clipstream convert).")
    var input: String

    @Option(name: .shortAndLong, help: "Output file (required).")
    var output: String

    @OptionGroup var runOptions: RunOptions

    @Option(help: "Write the summary as JSON to FILE.")
    var summary: String?

    @Flag(help: "No progress on stderr.")
    var quiet = false

    @Option(help: "Seconds between progress lines when stderr is not a terminal.")
    var progressEvery: Double = 10

    @Option(help: "Directory for checkpoints (created if missing).")
    var checkpoint: String?

    @Option(help: "Input rows between checkpoints.")
    var checkpointEvery: Int = 1_000_000

    @Flag(help: "Continue from the last checkpoint in --checkpoint DIR (from the start when there is none).")
    var resume = false

    /// Fault injection for the resume tests: `row:N` kills the process (SIGKILL) once input row
    /// N's batch is in OUTPUT, `checkpoint:K` in the middle of writing the K-th checkpoint,
    /// `sigterm:N` sends it SIGTERM there (a stop at a known row).
    @Option(help: .hidden)
    var fault: String?

    @OptionGroup var model: ModelOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if input == "-" { throw ValidationError("replay reads a file; use score for standard input") }
        if checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1") }
        if resume && checkpoint == nil { throw ValidationError("--resume needs --checkpoint DIR") }
        if checkpoint != nil, Syscalls.isSpecialFile(path: input) {
            // A checkpoint records the input's fingerprint and a resume skips into it (a pipe
            // failed with "Illegal seek").
            throw ValidationError("--checkpoint needs an input file to resume in: \(input) is not a regular file")
        }
        if runOptions.evictIdle && checkpoint != nil {
            throw ValidationError("--evict-idle does not combine with --checkpoint yet (the eviction order is not checkpointed)")
        }
        // `!(x > 0)` also rejects NaN.
        if !(progressEvery > 0 && progressEvery.isFinite) { throw ValidationError("--progress-every must be a positive number of seconds") }
    }

    func run() throws {
        try CommandErrors.exitOnFailure {
            let outcome = try ReplayRun(command: self).run()
            if let signal = outcome.signal {
                FileHandle.standardError.write(Data(
                    "clipstream: stopped by signal \(signal) after input row \(outcome.dataRows)\(checkpoint != nil ? "; checkpoint written, continue with --resume" : "")\n".utf8))
                throw ExitCode(128 + signal)
            }
        }
    }
}
