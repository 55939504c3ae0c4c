import Foundation
import TestSupport
import Testing

/// `replay`'s top anomalies list incidents, not their echoes: with lags (a narrow key's
/// default), a spike ranks again on each of the next rows, through its lagged copies.
@Suite("CLI: replay's top anomalies")
struct ReplayTopAnomaliesTests {
    @Test func aSpikesEchoesInTheLagsAreNotListed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        // One narrow key, a smooth cycle with three spikes far above it.
        var text = "key,value\n"
        for i in 0..<3000 {
            let spike = [1000, 1800, 2600].contains(i) ? 40.0 : 0
            text += "k,\(10 + sin(Double(i) / 7) + Double(i % 5) * 0.1 + spike)\n"
        }
        let input = try directory.write("in.csv", Array(text.utf8))
        let summary = try #require(try ClipStreamBinary.replaySummary(input, in: directory))
        let top = try #require(summary["top_anomalies"] as? [[String: Any]])
        #expect(!top.isEmpty)
        for anomaly in top where anomaly["alert"] as? Bool != true {
            let explanation = try #require(anomaly["explanation"] as? [[String: Any]])
            let feature = try #require(explanation.first?["feature"] as? String)
            #expect(!feature.contains("[t-"), "row \(anomaly["row"] ?? "?") is an echo: \(feature)")
        }
        let rows = top.compactMap { $0["row"] as? Int }
        #expect(rows.contains(1001) && rows.contains(1801) && rows.contains(2601))  // 1-based data rows
    }
}
