import Foundation
import Testing
import TestSupport

/// `clipstream score` on a committed input must reproduce the committed output.
///
/// To regenerate both fixtures after an intended change of the model or the output format,
/// run from the package root:
///
///     swift build
///     B=.build/debug/clipstream F=Tests/clipstreamTests/Fixtures
///     $B generate --rows 900 --keys 3 --dim 5 --constant-columns 3 --seed 7 --anomaly-fraction 0.05 \
///       | sed -e 's/,host-01,/,"web,01",/' -e 's/,host-02,/,"db ""main""",/' > $F/small.csv
///     $B score $F/small.csv --label-column label --time-column t --explain 2 --audit \
///       > $F/small.expected.csv
///
/// The keys `web,01` and `db "main"` exercise RFC 4180 quoting on the way in and out. Each key
/// has 300 rows: past the detector's warm-up (100 rows) and the generator's (200 rows, after
/// which 5% of rows are labelled anomalies), so the file holds alerts, misses and false alarms.
@Suite("Golden file: score output matches the committed fixture")
struct GoldenFileTests {
    /// Relative budget of floating-point columns. The CPU decides which OpenBLAS and SIMD
    /// kernels run (OpenBLAS is built with DYNAMIC_ARCH), so a different machine may change the
    /// last bits of a row's sums, and those differences grow slightly through the per-key state.
    static let relativeTolerance = 1e-4
    /// Absolute budget, for values near zero.
    static let absoluteTolerance = 1e-6
    /// Shares are printed with two decimals; a different last bit may flip the rounding.
    static let shareTolerance = 0.0100001

    static func fixture(_ name: String) throws -> URL {
        try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
            "fixture \(name) is missing from the test bundle")
    }

    @Test func outputMatchesTheGoldenFile() throws {
        let input = try Self.fixture("small.csv")
        let expectedText = try String(contentsOf: Self.fixture("small.expected.csv"), encoding: .utf8)
        let result = try ClipStreamBinary.run([
            "score", input.path, "--label-column", "label", "--time-column", "t",
            "--explain", "2", "--audit",
        ])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)

        let expected = CSVText.records(CSVText.lines(expectedText))
        let actual = CSVText.records(CSVText.lines(result.stdoutText))
        #expect(actual.header == expected.header)
        #expect(expected.header == [
            "row", "key", "score", "threshold", "alert", "label", "time", "top", "pull", "lambda", "clipped",
        ])
        #expect(expected.rows.count == 900)
        try #require(actual.rows.count == expected.rows.count)
        var mismatches: [String] = []
        for (a, e) in zip(actual.rows, expected.rows) {
            mismatches += Self.differences(a, e)
        }
        // One issue listing the first few differences, rather than one per cell.
        let firstFew = mismatches.prefix(8).joined(separator: "\n")
        #expect(mismatches.count == 0, "first differences:\n\(firstFew)")
    }

    /// How row `a` differs from the expected row `e`, one entry per differing column.
    static func differences(_ a: [String: String], _ e: [String: String]) -> [String] {
        var found: [String] = []
        let row = e["row"] ?? "?"
        func report(_ column: String) { found.append("row \(row) \(column): \(a[column] ?? "nil") vs \(e[column] ?? "nil")") }
        for column in ["row", "key", "alert", "label", "time", "clipped"] where a[column] != e[column] {
            report(column)
        }
        for column in ["score", "threshold", "pull", "lambda"] {
            // An empty field (lambda of a row that took no clipped step) must stay empty.
            if a[column] == "" && e[column] == "" { continue }
            if let x = Double(a[column] ?? ""), let y = Double(e[column] ?? ""),
                isClose(x, y, relative: relativeTolerance, absolute: absoluteTolerance)
            {
                continue
            }
            report(column)
        }
        let topA = top(a["top"] ?? "")
        let topE = top(e["top"] ?? "")
        var topMatches = topA.map(\.name) == topE.map(\.name)
        for (x, y) in zip(topA, topE) {
            topMatches = topMatches && abs(x.share - y.share) <= shareTolerance
            // A share printed as 0.00 may carry either sign.
            if abs(y.share) >= 0.005 && abs(x.share) >= 0.005 {
                topMatches = topMatches && (x.share < 0) == (y.share < 0)
            }
        }
        if !topMatches { report("top") }
        return found
    }

    /// The fixture is what this test claims it is: quoted keys, 300 rows each, withheld rows,
    /// hits, misses and false alarms.
    @Test func fixtureCoversQuotedKeysAndAlerts() throws {
        let text = try String(contentsOf: Self.fixture("small.expected.csv"), encoding: .utf8)
        let rows = CSVText.records(CSVText.lines(text)).rows
        let keys = Dictionary(grouping: rows, by: { $0["key"] ?? "" }).mapValues(\.count)
        #expect(keys == ["host-00": 300, "web,01": 300, "db \"main\"": 300])
        #expect(rows.contains { $0["alert"] == "1" && $0["label"] == "1" })
        #expect(rows.contains { $0["alert"] == "0" && $0["label"] == "1" })
        #expect(rows.contains { $0["alert"] == "1" && $0["label"] == "0" })
        #expect(rows.contains { $0["alert"] == "" })
        #expect(rows.contains { $0["clipped"] == "1" })
        #expect(rows.map { $0["row"] } == (1...900).map { String($0) })
    }

    /// `f0:+0.61;f1:-0.22` as (name, signed share) pairs.
    static func top(_ text: String) -> [(name: String, share: Double)] {
        text.split(separator: ";").map { entry in
            let parts = entry.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), Double(parts.count > 1 ? String(parts[1]) : "") ?? .nan)
        }
    }
}
