import ClipStreamExperiments
import Foundation

/// What `clipstream experiment tracking` reports: tables per dimension, the targets' summary,
/// and the optional sweep.
struct TrackingReport: Encodable {
    struct Row: Encodable {
        var trackingCase: TrackingCase
        var results: [TrackingResult]
        enum CodingKeys: String, CodingKey { case trackingCase = "case", results }
    }

    struct Summary: Encodable {
        /// Geometric mean and worst of ClipStream's error over the six drift x corruption cases.
        var geometricMean: Double
        var worst: Double
        var clean: Double
        var oneWay30: Double
        enum CodingKeys: String, CodingKey {
            case geometricMean = "geometric_mean", worst, clean, oneWay30 = "one_way_30"
        }
    }

    struct Table: Encodable {
        var dimension: Int
        var cases: [Row]
        var summary: Summary

        func text(rows: Int, seeds: Int) -> String {
            let names = TrackingStudy.estimatorNames
            var lines = [
                "tracking: d=\(dimension), \(rows) samples, mean of \(seeds) seed(s); error = ||theta - theta*|| / sqrt(d) over the last half",
                "",
                "case (drift/corruption, noise)".padding(toLength: 36, withPad: " ", startingAt: 0)
                    + names.map { $0.leftPadded(to: 14) }.joined()
                    + "   recovery: clipstream / constant 0.01",
            ]
            for row in cases {
                let noise = row.trackingCase.degreesOfFreedom.isFinite ? "t" : "gauss"
                var line = "\(row.trackingCase.name), \(noise)".padding(toLength: 36, withPad: " ", startingAt: 0)
                line += row.results.map { String(format: "%.4f", $0.error).leftPadded(to: 14) }.joined()
                if let ours = row.results.first?.recovery, let reference = row.results[3].recovery {
                    line += String(format: "   %.0f / %.0f", ours, reference)
                    let missed = row.results[0].unrecovered
                    if missed > 0 { line += " (\(missed) not recovered)" }
                }
                lines.append(line)
            }
            lines.append("")
            lines.append(String(
                format: "six drift x corruption cases (10%%): geometric mean %.4f (target <= 0.06), worst %.4f (<= 0.15)",
                summary.geometricMean, summary.worst))
            lines.append(String(
                format: "clean stationary %.4f (<= 0.02); one-way corruption 30%% %.4f (< 0.5)",
                summary.clean, summary.oneWay30))
            return lines.joined(separator: "\n") + "\n"
        }
    }

    struct SweepPoint: Encodable {
        var alpha: Double
        var clipMultiplier: Double
        var horizon: Int
        var geometricMean: Double
        var worst: Double
        var clean: Double
        var oneWay30: Double
        enum CodingKeys: String, CodingKey {
            case alpha, horizon, worst, clean
            case clipMultiplier = "clip_multiplier", geometricMean = "geometric_mean", oneWay30 = "one_way_30"
        }
    }

    var rows: Int
    var seeds: Int
    var tables: [Table] = []
    var sweep: [SweepPoint]?

    /// The summary of a dimension's table; on the full grid the extra cases are run separately.
    static func summary(
        six: [Double], clean: String, oneWay30: String, byName: [String: [TrackingResult]],
        fullGrid: Bool, study: TrackingStudy, extra: [TrackingCase]
    ) -> Summary {
        var cleanError = byName[clean]?.first?.error
        var oneWayError = byName[oneWay30]?.first?.error
        if fullGrid, let results = try? study.run(extra, clipStreamOnly: true) {
            // The full grid's names carry the noise; the targets' cases are Student-t.
            cleanError = results[0][0].error
            oneWayError = results[1][0].error
        }
        return Summary(
            geometricMean: TrackingStudy.geometricMean(six), worst: six.max() ?? .nan,
            clean: cleanError ?? .nan, oneWay30: oneWayError ?? .nan)
    }

    static func sweepText(_ points: [SweepPoint], dimension: Int) -> String {
        var lines = [
            "sweep of ClipStream's estimator at d=\(dimension) (six cases, clean, one-way 30%):",
            "alpha  c_lambda  horizon   geo-mean   worst    clean   one-way 30%",
        ]
        for p in points {
            lines.append(String(
                format: "%5.3f  %8.1f  %7d   %8.4f  %6.4f  %7.4f  %8.4f",
                p.alpha, p.clipMultiplier, p.horizon, p.geometricMean, p.worst, p.clean, p.oneWay30))
        }
        if let best = points.min(by: { $0.geometricMean < $1.geometricMean }) {
            lines.append(String(
                format: "best geometric mean: alpha %.3f, c_lambda %.1f, H %d: %.4f (worst %.4f, clean %.4f)",
                best.alpha, best.clipMultiplier, best.horizon, best.geometricMean, best.worst, best.clean))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(to width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
