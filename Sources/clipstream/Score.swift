import ArgumentParser
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

    @Argument(help: "Input CSV file, .gz file, or - for standard input.")
    var input: String = "-"

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @Option(help: "Name of the key column.")
    var keyColumn = "key"

    @Option(help: "Name of a label column to echo (not a feature).")
    var labelColumn: String?

    @Option(help: "Name of a time column to echo (not a feature; any text).")
    var timeColumn: String?

    @Option(help: "Explain each row by its top K dimensions (signed shares).")
    var explain: Int = 0

    @Flag(help: "Write pull,lambda,clipped: the bounded-influence record of each update.")
    var audit = false

    @Option(help: .hidden)
    var batchSize: Int = 4096

    @OptionGroup var model: ModelOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if explain < 0 { throw ValidationError("--explain must be 0 or more") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let target = try OutputTarget(path: output)
        var options = ScoringOptions()
        options.keyColumn = keyColumn
        options.labelColumn = labelColumn
        options.timeColumn = timeColumn
        options.explainCount = explain
        options.audit = audit
        options.batchCapacity = batchSize
        options.shardCount = model.resolvedShards
        let model = self.model
        let explain = self.explain
        try CommandErrors.exitOnFailure {
            let reader = try CSVReader(source: InputOpener.open(path: input))
            let out = OutputBuffer(fileDescriptor: target.fileDescriptor)
            let pipeline = ScoringPipeline(
                reader: reader, output: out, options: options, logger: logging.logger
            ) { dimension in
                let configuration = try model.configuration(dimension: dimension)
                if explain > configuration.modelDimension {
                    throw ValidationError(
                        "--explain \(explain) exceeds the \(configuration.modelDimension) model features")
                }
                return configuration
            }
            _ = try pipeline.run()
            try target.close()
        }
    }
}
