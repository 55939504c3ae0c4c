import ClipStreamEvaluation
import ClipStreamSynthetic
import Foundation

/// The text the demo prints: throughput, detection quality, and the top alerts explained.
struct DemoReport {
    let run: SyntheticRun
    let names: [String]

    func render(top: Int) -> String {
        let rows = run.scores.count
        let rate = Double(rows) / max(run.engineSeconds, 1e-9)
        let auc = DetectionMetrics.rocAUC(scores: run.scores, labels: run.labels)
        let ap = DetectionMetrics.averagePrecision(scores: run.scores, labels: run.labels)
        let counts = ConfusionCounts(decisions: run.alerts, labels: run.labels)
        var lines: [String] = []
        lines.append(String(
            format: "throughput: %.2f M rows/s (%.1f M elements/s) in the engine, %.3f s",
            rate / 1e6, rate * Double(run.dimension) / 1e6, run.engineSeconds))
        lines.append("quality (all keys pooled, every row scored before it is learned):")
        lines.append("  ROC-AUC    \(format(auc))")
        lines.append("  PR-AUC     \(format(ap))")
        lines.append(
            "  alerts     \(counts.truePositives + counts.falsePositives) "
                + "(precision \(format(counts.precision)), recall \(format(counts.recall)), "
                + "false-alarm rate \(format(counts.falseAlarmRate, digits: 5)))")
        let kinds = AnomalyKind.allCases.compactMap { kind -> String? in
            guard let entry = run.recallByKind[kind], entry.total > 0 else { return nil }
            return "\(kind.rawValue) \(format(Double(entry.alerted) / Double(entry.total), digits: 2))"
        }
        lines.append("  recall by kind: " + kinds.joined(separator: ", "))
        if run.spikeOneAlerts > 0 {
            lines.append(
                "  explained  \(run.spikeOneNamed) of \(run.spikeOneAlerts) spike-one alerts name the moved feature first ("
                    + format(Double(run.spikeOneNamed) / Double(run.spikeOneAlerts), digits: 2) + ")")
        }
        let reasons = ["warm-up and re-anchoring"]
            + (run.counts.muted > 0 ? ["\(run.counts.muted) muted repeats"] : [])
            + (run.counts.runCapped > 0 ? ["\(run.counts.runCapped) late in a run"] : [])
        lines.append("  withheld   \(run.counts.withheld) rows (" + reasons.joined(separator: "; ") + ")")
        lines.append("top \(top) alerts:")
        for alert in run.topAlerts.sorted(by: { $0.score > $1.score }).prefix(top) {
            let explanation = alert.top.map { entry in
                String(format: "%@:%+.2f", names[Int(entry.index)], entry.share)
            }.joined(separator: ";")
            lines.append(String(
                format: "  row %-8d %@  score %10.2f  threshold %.2f  %@  [%@]",
                alert.row, alert.key, alert.score, alert.threshold, explanation,
                alert.kind?.rawValue ?? "not an anomaly"))
        }
        return lines.joined(separator: "\n")
    }

    private func format(_ value: Double?, digits: Int = 3) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.\(digits)f", value)
    }
}
