import ClipStreamEvaluation
import Foundation

/// The human-readable report of `clipstream evaluate`: a header line, pooled and key-mean
/// metrics side by side, alert counts, and with `--per-key` one line per key.
enum EvaluateReportFormatting {
    static func render(_ report: EvaluationReport, fromRow: Int, perKey: Bool) -> String {
        let pooled = report.pooled
        let means = report.keyMeans
        var lines: [String] = []
        lines.append(
            "clipstream evaluate: \(pooled.rows) rows"
                + (fromRow > 1 ? " (row >= \(fromRow))" : "")
                + ", \(report.keys.count) keys, \(pooled.positives) anomalies "
                + "in \(pooled.alerts.segments) segments, \(pooled.alerts.abstentions) abstentions")
        lines.append(row("metric", "pooled", "key mean", "keys"))
        func add(_ name: String, _ value: Double?, _ mean: KeyMean, digits: Int = 4) {
            lines.append(row(name, format(value, digits), format(mean.value, digits), "\(mean.keys)"))
        }
        add("ROC-AUC", pooled.ranking.rocAUC, means.rocAUC)
        add("PR-AUC", pooled.ranking.averagePrecision, means.averagePrecision)
        add("best F1", pooled.ranking.bestF1?.counts.f1, means.bestF1)
        add("alert precision", pooled.alerts.counts.precision, means.precision)
        add("alert recall", pooled.alerts.counts.recall, means.recall)
        add("false-alarm rate", pooled.alerts.counts.falseAlarmRate, means.falseAlarmRate, digits: 5)
        add("segment recall", pooled.alerts.segmentRecall, means.segmentRecall)
        add("median delay (rows)", pooled.alerts.medianDetectionDelay, means.medianDetectionDelay, digits: 2)
        let counts = pooled.alerts.counts
        lines.append(
            "alerts \(pooled.alerts.alerts) (\(counts.truePositives) on anomalies, "
                + "\(counts.falsePositives) on normal rows); \(pooled.alerts.detectedSegments) of "
                + "\(pooled.alerts.segments) segments detected"
                + (pooled.ranking.bestF1.map { "; pooled best-F1 threshold \(EvaluateReportJSON.scoreText($0.threshold))" } ?? ""))
        lines.append("key means: ROC-AUC, PR-AUC and best F1 over keys with both classes; the rest over keys where defined")
        if perKey { lines += keyTable(report) }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func keyTable(_ report: EvaluationReport) -> [String] {
        let names = report.keys.map { displayName($0.name) }
        let width = max(3, names.map(\.count).max() ?? 0)
        let columns = [
            "rows", "anomalies", "ROC-AUC", "PR-AUC", "best-F1", "precision", "recall", "false-alarm",
            "segments", "seg-recall", "med-delay",
        ]
        var lines = [pad("key", width) + columns.map { " " + leftPad($0, 11) }.joined()]
        for (name, key) in zip(names, report.keys) {
            let m = key.metrics
            let cells = [
                "\(m.rows)", "\(m.positives)", format(m.ranking.rocAUC, 4),
                format(m.ranking.averagePrecision, 4), format(m.ranking.bestF1?.counts.f1, 4),
                format(m.alerts.counts.precision, 4), format(m.alerts.counts.recall, 4),
                format(m.alerts.counts.falseAlarmRate, 5), "\(m.alerts.segments)",
                format(m.alerts.segmentRecall, 4), format(m.alerts.medianDetectionDelay, 2),
            ]
            lines.append(pad(name, width) + cells.map { " " + leftPad($0, 11) }.joined())
        }
        return lines
    }

    private static func row(_ name: String, _ pooled: String, _ mean: String, _ keys: String) -> String {
        pad(name, 20) + leftPad(pooled, 10) + leftPad(mean, 10) + leftPad(keys, 7)
    }

    /// A key as printed: escaped when it holds control characters (a quoted CSV key may hold a
    /// newline), so each key stays on its line.
    private static func displayName(_ name: String) -> String {
        name.unicodeScalars.contains { $0.properties.generalCategory == .control }
            ? name.debugDescription : name
    }

    static func format(_ value: Double?, _ digits: Int) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.\(digits)f", value)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
