import ArgumentParser
import ClipStreamEvaluation
import ClipStreamIO
import Foundation

/// `clipstream evaluate`: detection quality of `score` output against labels.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure detection quality of `clipstream score` output against labels.",
        discussion: """
            Reads score output (file, .gz file, or - for stdin). Labels come from its label \
            column (score --label-column), or with --labels FILE from a CSV with one record per \
            input record: output row N gets data record N's label. Labels are 0/1 or true/false. \
            Reports ROC-AUC, \
            PR-AUC and best F1 of the scores, and precision, recall, false-alarm rate, segment \
            recall and median detection delay of the alerts (abstentions count as no alert), \
            pooled and as the mean over keys. Exit codes: Docs/cli.md.
            """)

    @Argument(help: ArgumentHelp(
        "Output of clipstream score: a file, .gz file, or - for standard input.", valueName: "FILE"))
    var input: String = "-"

    @Option(help: ArgumentHelp(
        "Read labels from this CSV (the scored input, or one record per input record) instead of the label column.",
        valueName: "FILE"))
    var labels: String?

    @Option(help: ArgumentHelp("Label column of the --labels file (default: label).", valueName: "NAME"))
    var labelColumn: String?

    @Option(help: ArgumentHelp(
        "Evaluate only rows whose row number is at least N (e.g. the first test row after a training prefix).",
        valueName: "N"))
    var fromRow: Int = 1

    @Flag(help: "Write the report as JSON.")
    var json = false

    @Flag(help: "Also report every key's metrics.")
    var perKey = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "FILE"))
    var output: String?

    func validate() throws {
        if fromRow < 1 { throw ValidationError("--from-row must be 1 or more") }
        if labelColumn != nil && labels == nil {
            throw ValidationError("--label-column names a column of --labels FILE; give --labels too")
        }
        // `-` and `/dev/stdin` too: the two readers would take turns draining one pipe.
        let standardInput = InputOpener.standardInputPath
        if let labels, (labels == standardInput && input == standardInput) || Syscalls.shareOneStream(labels, input) {
            throw ValidationError("the score output and --labels cannot both be standard input (or one pipe)")
        }
    }

    func run() throws {
        let source: ScoreOutputReader.LabelSource =
            labels.map { .file(path: $0, column: labelColumn ?? "label") } ?? .outputColumn
        try CommandErrors.exitOnFailure {
            let rows = try ScoreOutputReader.read(path: input, fromRow: fromRow, labels: source)
            if rows.count > 1 && (0..<rows.count).allSatisfy({ rows.decision($0) == .alert }) {
                // `score` withholds every key's warm-up rows, so a full output never alerts on
                // every row: this is `--alerts-only` output, and its metrics rank alerts only.
                FileHandle.standardError.write(Data(
                    "clipstream: warning: every row alerts: is this `score --alerts-only` output? evaluate needs every row (the metrics below rank the alerts only)\n".utf8))
            }
            // Opened (and emptied) once every input was read.
            let target = try OutputTarget(path: output)
            let report = EvaluationReport(rows: rows)
            let text =
                json
                ? EvaluateReportJSON.render(report, fromRow: fromRow, perKey: perKey)
                : EvaluateReportFormatting.render(report, fromRow: fromRow, perKey: perKey)
            let out = OutputBuffer(fileDescriptor: target.fileDescriptor)
            out.write(text)
            try out.flush()
            try target.close()
        }
    }
}
