import ArgumentParser
import ClipStreamEngine
import ClipStreamIO
import Foundation

/// `clipstream score`: CSV in, one scored line per row out.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a CSV stream (file, .gz file, or - for stdin) row by row.",
        discussion: """
            Input: a header row, a key column, optional label and time columns (echoed \
            verbatim), every other column a numeric feature. Output: \
            row,key,score,threshold,alert[,label][,time][,top][,pull,lambda,clipped]. \
            Each row is scored before the model learns from it. Exit codes: Docs/cli.md.
            """)

    @Argument(help: "Input CSV file, .gz file, archive (clipstream convert), or - for standard input.")
    var input: String = "-"

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @OptionGroup var runOptions: RunOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try CommandErrors.exitOnFailure { try runOptions.refuseWritingInput(input, output: output) }
        // Emptied only once the input opened (and a loaded state fits): a run refused before
        // its first row leaves an existing output as it was.
        let target = try OutputTarget(path: output, truncating: false)
        var options = try runOptions.scoringOptions(shards: model.resolvedShards)
        let collector = runOptions.makeReportCollector(options: &options)
        let model = self.model
        let run = self.runOptions
        let partition = options.partition
        // SIGINT or SIGTERM (a supervisor stopping a live run) ends the input: the rows read are
        // scored and written, the state and the report saved, then the exit says the signal.
        InputInterruption.install()
        try CommandErrors.exitOnFailure {
            let source = try InputOpener.openRows(path: input)
            if run.loadState == nil { try target.truncate() }
            let out = OutputBuffer(fileDescriptor: target.fileDescriptor)
            let pipeline = ScoringPipeline(
                source: source, output: out, options: options, logger: logging.logger
            ) { featureNames in
                try RunOptions.configuration(
                    model: model, explain: run.explain, missing: run.missing, featureNames: featureNames)
            }
            pipeline.observer = collector
            var engine: ShardedEngine?
            pipeline.prepare = { created in
                engine = created
                if let path = run.loadState {
                    try StatePartition.load(path, into: created, partition: partition)
                    try target.truncate()
                }
            }
            var stoppedBy: InputError?
            do {
                let summary = try pipeline.run()
                FileHandle.standardError.write(Data(RunOptions.skippedReport(
                    summary.skipped, rejected: summary.rejected, evicted: summary.evicted, imputed: summary.counts).utf8))
                if let engine, engine.keyCount >= 1_000, 2 * engine.keyCount > summary.rows {
                    // `--key-column timestamp` gave every row a model of its own, each scoring 0.
                    FileHandle.standardError.write(Data(
                        "clipstream: note: \(engine.keyCount) keys for \(summary.rows) rows: most rows opened a key of their own; is --key-column the column that names each row's source?\n".utf8))
                }
            } catch let error as InputError {
                guard case .interrupted = error else { throw error }
                stoppedBy = error
            }
            try target.close()
            if let path = run.saveState, let engine { try StatePartition.save(engine, partition: partition, to: path) }
            try run.writeReport(collector, title: "clipstream score", input: input, featureNames: pipeline.featureNames)
            if let stoppedBy {
                let saved = [run.saveState.map { "; state saved to \($0)" }, run.report.map { "; report written to \($0)" }]
                FileHandle.standardError.write(Data("clipstream: \(stoppedBy)\(saved.compactMap { $0 }.joined())\n".utf8))
                throw ExitCode(stoppedBy.exitCode)
            }
        }
    }
}
