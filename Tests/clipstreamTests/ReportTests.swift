import Foundation
import TestSupport
import Testing

/// `--report FILE.html`: one self-contained page with a chart per reported key and every alert.
@Suite("CLI: HTML report")
struct ReportTests {
    static func workspace() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clipstream-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Alerts per key in `score` output (column `alert` is 1 on an alert).
    static func alertsByKey(_ csv: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields[4] == "1" { counts[String(fields[1]), default: 0] += 1 }
        }
        return counts
    }

    @Test(arguments: ["score", "replay"])
    func reportHasAChartPerKeyAndEveryAlert(command: String) throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv").path
        let generated = try ClipStreamBinary.run(
            ["generate", "--rows", "3000", "--keys", "3", "--dim", "4", "--seed", "7", "-o", input])
        #expect(generated.status == 0)
        let output = dir.appendingPathComponent("out.csv").path
        let report = dir.appendingPathComponent("report.html").path
        let run = try ClipStreamBinary.run(
            [command, input, "--label-column", "label", "--time-column", "t", "-o", output,
             "--report", report, "--report-keys", "all"])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        let alerts = Self.alertsByKey(try String(contentsOfFile: output, encoding: .utf8))
        #expect(alerts.values.reduce(0, +) > 0)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        for key in ["host-00", "host-01", "host-02"] {
            // The key's chart, and as many alert markers in it as the key has alerts.
            let start = try #require(html.range(of: "data-key=\"\(key)\""))
            let chart = html[start.upperBound...].prefix { _ in true }
            let end = try #require(chart.range(of: "</svg>"))
            let markers = chart[..<end.lowerBound].components(separatedBy: "class=\"alert\"").count - 1
            #expect(markers == alerts[key, default: 0], "\(key)")
        }
        // Self-contained: no scripts, no external fetches.
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count - 1 == 3)  // SVG namespace only
        #expect(!html.contains("https://"))
    }

    @Test func reportKeysLimitsTheChartsToTheMostAlerted() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv").path
        _ = try ClipStreamBinary.run(["generate", "--rows", "3000", "--keys", "3", "--dim", "4", "--seed", "7", "-o", input])
        let output = dir.appendingPathComponent("out.csv").path
        let report = dir.appendingPathComponent("report.html").path
        let run = try ClipStreamBinary.run(
            ["score", input, "--label-column", "label", "-o", output, "--report", report, "--report-keys", "1"])
        #expect(run.status == 0)
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 == 1)
        let scored = try String(contentsOfFile: output, encoding: .utf8)
        let alerts = Self.alertsByKey(scored)
        // Most alerts first; a tie goes to the key seen first.
        var firstSeen: [String] = []
        for line in scored.split(separator: "\n").dropFirst() {
            let key = String(line.split(separator: ",")[1])
            if !firstSeen.contains(key) { firstSeen.append(key) }
        }
        let top = try #require(firstSeen.map { (key: $0, value: alerts[$0] ?? 0) }.enumerated().max {
            $0.element.value != $1.element.value ? $0.element.value < $1.element.value : $0.offset > $1.offset
        }?.element)
        #expect(html.contains("data-key=\"\(top.key)\""))
        #expect(html.contains("2 more key(s) not drawn"))
        let bad = try ClipStreamBinary.run(["score", input, "--report", report, "--report-keys", "0"])
        #expect(bad.status == 64)
    }
}
