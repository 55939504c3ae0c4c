import ArgumentParser
import ClipStreamExperiments
import Dispatch
import Foundation

/// `clipstream experiment regression`: the linear and logistic models under heavy tails,
/// corrupted targets and changing coefficients.
struct ExperimentRegression: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regression",
        abstract: "Linear and logistic models per key: coefficient error and detection of corrupted targets, clipped against unclipped SGD at the same rate.",
        discussion: """
            One key per stream; features of mixed magnitudes (0.1, 1, 10), coefficients \
            N(0, 1) / magnitude, Gaussian or Student-t (2.5) noise; corrupted targets are \
            moved by 10^U(3, 5) noise scales (linear) or confident labels are flipped \
            (logistic). Reported: the coefficient error ||(w - beta) sigma|| / ||beta sigma|| \
            averaged over the stream after 1,000 rows and over its last 2,000 rows, and the \
            ROC-AUC of the score against the corrupted rows.
            """)

    @Option(help: "Rows per stream.")
    var rows = 30_000
    @Option(help: "Seed of the streams.")
    var seed: UInt64 = 1
    @Flag(help: "One JSON array instead of the table.")
    var json = false

    func validate() throws {
        if rows < 4_000 { throw ValidationError("--rows must be at least 4000") }
    }

    func run() throws {
        try CommandErrors.exitOnFailure { try runExperiment() }
    }

    private func runExperiment() throws {
        let cases = RegressionCase.standard(rows: rows, seed: seed)
        let variants = RegressionVariant.standard()
        let jobs = cases.flatMap { c in variants.map { (c, $0) } }
        let results = ConcurrentResults<RegressionResult>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            results.set(i, Result { try RegressionExperiment.run(jobs[i].1, on: jobs[i].0) })
        }
        let all = try results.values()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try CommandErrors.writeStandardOutput(String(decoding: try encoder.encode(all), as: UTF8.self) + "\n")
            return
        }
        try CommandErrors.writeStandardOutput(Self.table(all, variants: variants.map(\.name), rows: rows, seed: seed) + "\n")
    }

    /// One line per stream: each variant's mean and final error and ROC-AUC, and the ratio of
    /// the unclipped final error to the clipped one.
    static func table(_ results: [RegressionResult], variants: [String], rows: Int, seed: UInt64) -> String {
        var lines = [
            "experiment regression: \(rows) rows per stream, seed \(seed); error = ||(w - beta) sigma|| / ||beta sigma||",
            "stream                              | " + variants.map { "\($0): mean / final error, ROC-AUC" }.joined(separator: " | ")
                + " | unclipped / clipped (final)",
        ]
        var streams: [String] = []
        for r in results where !streams.contains(r.stream) { streams.append(r.stream) }
        for stream in streams {
            let row = results.filter { $0.stream == stream }
            var line = stream.padding(toLength: 35, withPad: " ", startingAt: 0) + " |"
            for r in row {
                let auc = r.rocAUC.map { String(format: "%.3f", $0) } ?? "-"
                line += String(format: " %8.4f / %8.4f, %@ |", r.meanError, r.finalError, auc)
            }
            if row.count >= 2 && row[0].finalError > 0 {
                line += String(format: " %.1fx", row[1].finalError / row[0].finalError)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
