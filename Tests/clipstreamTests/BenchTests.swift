import Foundation
import TestSupport
import Testing

/// `clipstream bench`: the figures it reports are consistent with each other and with the
/// requested setup (the speed itself is measured by benchmarks, never asserted here).
@Suite("CLI: bench")
struct BenchTests {
    static func bench(_ extra: [String]) throws -> [[String: Any]] {
        let result = try ClipStreamBinary.run(
            ["bench", "--dim", "12", "--keys", "5", "--rows", "2000", "--windows", "3",
             "--buffer-mb", "1", "--probe-mb", "1", "--json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdoutLines.map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func jsonLinesDescribeEachWorkerCountRequestedLast() throws {
        let lines = try Self.bench(["--threads", "2,1"])
        #expect(lines.map { $0["threads"] as? Int } == [1, 2])
        for line in lines {
            #expect(line["dimension"] as? Int == 12)
            #expect(line["keys"] as? Int == 5)
            #expect(line["windows"] as? Int == 3)
            #expect(line["rows_per_window"] as? Int == 2000)
            // 20 bytes per feature plus the 88-byte key scalars read and written.
            #expect(line["bytes_per_row"] as? Int == 20 * 12 + 2 * 88)
            let rows = try #require(line["rows_per_second"] as? Double)
            let elements = try #require(line["elements_per_second"] as? Double)
            let effective = try #require(line["effective_gbps"] as? Double)
            let probe = try #require(line["probe_gbps"] as? Double)
            let fraction = try #require(line["bandwidth_fraction"] as? Double)
            #expect(rows > 0 && probe > 0)
            #expect(abs(elements - rows * 12) <= 1e-6 * elements)
            #expect(abs(effective - rows * Double(20 * 12 + 176) / 1e9) <= 1e-9 * max(1, effective))
            #expect(abs(fraction - effective / probe) <= 1e-12)
            #expect(try #require(line["rows_per_second_min"] as? Double) <= rows)
            #expect(try #require(line["rows_per_second_max"] as? Double) >= rows)
            #expect(line["openblas_threads"] as? Int == 1)
            #expect((line["openblas_config"] as? String)?.contains("OpenBLAS") == true)
        }
        #expect(lines[0]["speedup"] as? Double == 1)
    }

    @Test func randomOrderAndTextTable() throws {
        let random = try Self.bench(["--threads", "1", "--order", "random"])
        #expect(random.count == 1 && random[0]["order"] as? String == "random")
        let text = try ClipStreamBinary.run(
            ["bench", "--dim", "8", "--keys", "3", "--rows", "600", "--windows", "1", "--threads", "1",
             "--buffer-mb", "1", "--probe-mb", "1"])
        #expect(text.status == 0)
        #expect(text.stdoutText.contains("bytes/row 336"))
        #expect(text.stdoutLines.last?.hasPrefix("      1 ") == true)
    }

    @Test func badOptionsAreRejected() throws {
        for bad in [["--threads", "0"], ["--threads", "a"], ["--order", "sideways"], ["--rows", "0"]] {
            let result = try ClipStreamBinary.run(["bench", "--dim", "4", "--keys", "2"] + bad)
            #expect(result.status == 64, "\(bad)")
        }
    }
}
