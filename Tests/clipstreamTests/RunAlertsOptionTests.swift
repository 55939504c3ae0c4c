import Foundation
import TestSupport
import Testing

/// `--run-alerts N` through the CLI: of a level shift's run only the first `N` rows alert, the
/// rest keep their scores with an empty `alert` field, and `replay`'s summary counts them and
/// still ranks them among the top anomalies.
@Suite("CLI: alerts per run")
struct RunAlertsOptionTests {
    /// One key of 3 columns of uniform noise, 2,000 rows; every column moves by 5 at row 1,000
    /// and by 500 more at row 1,012 (inside the same run, so its highest rows come late in it),
    /// and stays there.
    static func fixture(_ directory: TemporaryDirectory) throws -> String {
        var lines = ["key,a,b,c"]
        var state: UInt64 = 9
        for t in 0..<2000 {
            let values = (0..<3).map { _ -> Double in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Double(state >> 11) / Double(1 << 53) - 0.5 + (t >= 1000 ? 5 : 0) + (t >= 1012 ? 500 : 0)
            }
            lines.append("host," + values.map { "\($0)" }.joined(separator: ","))
        }
        return try directory.write("in.csv", Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    @Test func aLevelShiftAlertsOnItsFirstRowsOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try Self.fixture(directory)
        let capped = try ClipStreamBinary.run(["score", input])
        let every = try ClipStreamBinary.run(["score", input, "--run-alerts", "0"])
        #expect(capped.status == 0 && every.status == 0, "\(capped.stderr)")
        let a = MuteRepeatsOptionTests.decisions(capped.stdout)
        let b = MuteRepeatsOptionTests.decisions(every.stdout)
        let runAlerts = (1000..<2000).filter { b[$0].alert == "1" }
        #expect(runAlerts.count >= 50)
        #expect((1000..<2000).filter { a[$0].alert == "1" } == Array(runAlerts.prefix(10)))
        for t in 0..<a.count {
            #expect(a[t].score == b[t].score && a[t].threshold == b[t].threshold, "row \(t)")
            #expect(a[t].alert == b[t].alert || (a[t].alert == "" && b[t].alert == "1"), "row \(t)")
        }

        let object = try ClipStreamBinary.replaySummary(input, in: directory)
        #expect(object?["run_capped"] as? Int == runAlerts.count - 10)
        #expect(object?["alerts"] as? Int == a.filter { $0.alert == "1" }.count)
        // The summary's top rows are the highest scores, alerting or late in the run alike.
        let top = (object?["top_anomalies"] as? [[String: Any]]) ?? []
        let highest = (0..<a.count).filter { a[$0].alert != "" || b[$0].alert == "1" }
            .sorted { a[$0].score != a[$1].score ? a[$0].score > a[$1].score : $0 < $1 }
        #expect(top.count == 10)
        #expect(top.compactMap { $0["row"] as? Int } == highest.prefix(10).map { $0 + 1 })
        let late = highest.prefix(10).map { a[$0].alert == "" }
        #expect(late.contains(true))
        #expect(top.compactMap { $0["late_in_run"] as? Bool } == late)
    }
}
