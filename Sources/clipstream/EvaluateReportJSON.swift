import ClipStreamEvaluation

/// The `--json` report of `clipstream evaluate`: one object, stable snake_case field names in a
/// fixed order, `null` for a metric that is undefined (Docs/cli.md lists the fields).
///
/// Written by hand rather than with `JSONEncoder`: the encoder drops `nil` fields (a consumer
/// would see fields come and go) and orders keys alphabetically at best.
enum EvaluateReportJSON {
    static func render(_ report: EvaluationReport, fromRow: Int, perKey: Bool) -> String {
        let pooled = report.pooled
        var fields: [(String, String)] = [
            ("from_row", "\(fromRow)"),
            ("rows", "\(pooled.rows)"),
            ("keys", "\(report.keys.count)"),
            ("positives", "\(pooled.positives)"),
            ("abstentions", "\(pooled.alerts.abstentions)"),
            ("pooled", object(metrics(pooled), indent: 1)),
            ("key_mean", object(keyMeans(report.keyMeans), indent: 1)),
        ]
        if perKey {
            let entries = report.keys.map { key in
                "    " + object([("key", string(key.name))] + metrics(key.metrics), indent: 2)
            }
            fields.append(("per_key", entries.isEmpty ? "[]" : "[\n" + entries.joined(separator: ",\n") + "\n  ]"))
        }
        return object(fields, indent: 0) + "\n"
    }

    private static func metrics(_ m: EvaluationMetrics) -> [(String, String)] {
        let counts = m.alerts.counts
        return [
            ("rows", "\(m.rows)"),
            ("positives", "\(m.positives)"),
            ("abstentions", "\(m.alerts.abstentions)"),
            ("roc_auc", number(m.ranking.rocAUC)),
            ("pr_auc", number(m.ranking.averagePrecision)),
            ("best_f1", number(m.ranking.bestF1?.counts.f1)),
            ("best_f1_threshold", m.ranking.bestF1.map { scoreText($0.threshold) } ?? "null"),
            ("alerts", "\(m.alerts.alerts)"),
            ("true_positives", "\(counts.truePositives)"),
            ("false_positives", "\(counts.falsePositives)"),
            ("precision", number(counts.precision)),
            ("recall", number(counts.recall)),
            ("false_alarm_rate", number(counts.falseAlarmRate)),
            ("segments", "\(m.alerts.segments)"),
            ("detected_segments", "\(m.alerts.detectedSegments)"),
            ("segment_recall", number(m.alerts.segmentRecall)),
            ("median_detection_delay", number(m.alerts.medianDetectionDelay)),
        ]
    }

    private static func keyMeans(_ means: KeyMeans) -> [(String, String)] {
        func mean(_ m: KeyMean) -> String { "{\"mean\": \(number(m.value)), \"keys\": \(m.keys)}" }
        return [
            ("roc_auc", mean(means.rocAUC)),
            ("pr_auc", mean(means.averagePrecision)),
            ("best_f1", mean(means.bestF1)),
            ("precision", mean(means.precision)),
            ("recall", mean(means.recall)),
            ("false_alarm_rate", mean(means.falseAlarmRate)),
            ("segment_recall", mean(means.segmentRecall)),
            ("median_detection_delay", mean(means.medianDetectionDelay)),
        ]
    }

    /// `{ "name": value, ... }` over several lines, nested `indent` levels of two spaces deep.
    private static func object(_ fields: [(String, String)], indent: Int) -> String {
        let inner = String(repeating: "  ", count: indent + 1)
        let body = fields.map { inner + string($0.0) + ": " + $0.1 }.joined(separator: ",\n")
        return "{\n" + body + "\n" + String(repeating: "  ", count: indent) + "}"
    }

    /// Swift's shortest round-trip text (`0.875`, `1e-05`: valid JSON); `null` when undefined.
    private static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return "\(value)"
    }

    /// A score as `score` wrote it: the shortest `Float` text when the value is a `Float` (as
    /// every score read back is, bar those beyond `Float`'s range), else `Double` text.
    static func scoreText(_ value: Double) -> String {
        let narrow = Float(value)
        return Double(narrow) == value ? "\(narrow)" : number(value)
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\u00XX`.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
