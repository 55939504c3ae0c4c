import Foundation
import TestSupport
import Testing

/// `clipstream experiment`: the commands run end to end and report what they measured.
@Suite("CLI: experiment")
struct ExperimentTests {
    @Test func trackingJSONHasEveryCaseAndEstimator() throws {
        let result = try ClipStreamBinary.run(
            ["experiment", "tracking", "--dims", "5", "--rows", "3000", "--seeds", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let tables = try #require(report["tables"] as? [[String: Any]])
        #expect(tables.count == 1 && tables[0]["dimension"] as? Int == 5)
        let cases = try #require(tables[0]["cases"] as? [[String: Any]])
        #expect(cases.count == 8)
        for row in cases {
            let results = try #require(row["results"] as? [[String: Any]])
            #expect(results.map { $0["estimator"] as? String }
                == ["clipstream", "unclipped", "running mean", "constant 0.01", "median"])
            #expect(results.allSatisfy { ($0["error"] as? Double).map { $0 >= 0 } == true })
        }
        let summary = try #require(tables[0]["summary"] as? [String: Any])
        #expect(summary["geometric_mean"] is Double && summary["clean"] is Double)
    }

    @Test func trackingTableIsDeterministic() throws {
        let arguments = ["experiment", "tracking", "--dims", "4", "--rows", "2000", "--seeds", "2"]
        let first = try ClipStreamBinary.run(arguments)
        let second = try ClipStreamBinary.run(arguments)
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        #expect(first.stdoutText.contains("six drift x corruption cases"))
    }

    /// `experiment regression`: every stream with both variants, the clipped model far closer
    /// to the coefficients than unclipped SGD wherever targets are corrupted; the same bytes
    /// twice.
    @Test func regressionReportsClippedAgainstUnclipped() throws {
        let arguments = ["experiment", "regression", "--rows", "6000", "--json"]
        let result = try ClipStreamBinary.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[String: Any]])
        #expect(rows.count == 36)
        let streams = Set(rows.compactMap { $0["stream"] as? String })
        #expect(streams.count == 18 && streams.contains("linear d=100 t2.5 30%"))
        for stream in streams where stream.hasPrefix("linear") && !stream.contains(" 0%") {
            let pair = rows.filter { $0["stream"] as? String == stream }
            let clipped = try #require(pair.first { $0["variant"] as? String == "clipped (defaults)" }?["finalError"] as? Double)
            let plain = try #require(pair.first { $0["variant"] as? String == "unclipped, same rate" }?["finalError"] as? Double)
            #expect(plain > 10 * clipped, "\(stream): \(plain) vs \(clipped)")
        }
        #expect(try ClipStreamBinary.run(arguments).stdout == result.stdout)
        #expect(try ClipStreamBinary.run(["experiment", "regression", "--rows", "10"]).status == 64)
    }

    @Test func badArgumentsAndMissingDataAreClearErrors() throws {
        let dims = try ClipStreamBinary.run(["experiment", "tracking", "--dims", "0"])
        #expect(dims.status == 64)
        let missing = try ClipStreamBinary.run(["experiment", "mnist-drift", "--mnist", "/nonexistent-mnist"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent-mnist"))
    }
}
