import ClipStreamEngine
import Foundation

/// The end-of-replay summary: a human text for stderr and a JSON document.
struct ReplayReport {
    let totals: ReplayTotals
    let keys: Int
    let dataRows: Int
    let rowsThisRun: Int
    let seconds: Double
    let featureNames: [String]
    let partition: KeyPartition?
    let complete: Bool

    var rate: Double { Double(rowsThisRun) / max(seconds, 1e-9) }

    func explanation(_ anomaly: ReplayTotals.Anomaly) -> [(feature: String, share: Float)] {
        zip(anomaly.features, anomaly.shares).compactMap { index, share in
            // Shares below half a percent are noise in a summary line.
            abs(share) < 0.005 || !featureNames.indices.contains(Int(index)) ? nil : (featureNames[Int(index)], share)
        }
    }

    var text: String {
        var lines: [String] = []
        lines.append(
            "replay\(complete ? "" : " (stopped early)"): \(totals.rows) rows scored of \(dataRows) input rows"
                + (partition.map { " (partition \($0))" } ?? "")
                + ", \(keys) keys, \(totals.alerts) alerts, \(totals.withheld) withheld (\(totals.muted) muted repeats, \(totals.runCapped) late in a run), \(totals.badRows) bad rows")
        lines.append(String(format: "throughput: %.3f M rows/s (%d rows in %.2f s this run)", rate / 1e6, rowsThisRun, seconds))
        if totals.imputedValues > 0 {
            lines.append("imputed \(totals.imputedValues) missing values in \(totals.imputedRows) rows")
        }
        if totals.badRows > 0 { lines.append("skipped \(totals.badRows) rows") }
        for (reason, count) in totals.badRowsByReason.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(reason): \(count)")
        }
        if totals.rejected > 0 { lines.append("rejected \(totals.rejected) rows") }
        if !totals.top.isEmpty {
            lines.append("top anomalies:")
            for a in totals.top {
                let why = explanation(a).map { String(format: "%@:%+.2f", $0.feature, $0.share) }.joined(separator: ";")
                lines.append(String(
                    format: "  row %-10d %@  score %8.2f  threshold %6.2f%@  %@", a.row, a.key, a.score,
                    a.threshold, a.alert ? "  alert" : a.lateInRun == true ? "  late in a run" : "", why))
            }
        }
        let perKey = totals.alertsPerKey.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        if !perKey.isEmpty {
            lines.append("alerts per key (\(perKey.count) keys with alerts\(perKey.count > 10 ? ", top 10" : "")):")
            for (key, count) in perKey.prefix(10) { lines.append("  \(key)  \(count)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    var json: Data {
        let top: [[String: Any]] = totals.top.map { a in
            [
                "row": a.row, "key": a.key, "score": a.score, "threshold": a.threshold, "alert": a.alert,
                "late_in_run": a.lateInRun ?? false,
                "explanation": explanation(a).map { ["feature": $0.feature, "share": Double($0.share)] },
            ]
        }
        var object: [String: Any] = [
            "complete": complete, "rows": totals.rows, "input_rows": dataRows, "keys": keys,
            "alerts": totals.alerts, "withheld": totals.withheld, "muted": totals.muted, "run_capped": totals.runCapped,
            "bad_rows": totals.badRows, "imputed_rows": totals.imputedRows, "imputed_values": totals.imputedValues,
            "bad_rows_by_reason": totals.badRowsByReason, "rejected_rows": totals.rejected,
            "seconds": seconds, "rows_per_second": rate, "top_anomalies": top,
            "alerts_per_key": totals.alertsPerKey,
        ]
        object["partition"] = partition?.description ?? NSNull()
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }
}
