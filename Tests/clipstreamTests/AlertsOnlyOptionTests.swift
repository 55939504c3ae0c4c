import Foundation
import TestSupport
import Testing

/// `--alerts-only`: the output holds the header and exactly the full output's alerting lines
/// (every row still scored and learned, row numbers the input's), from CSV or an archive, at any
/// shard count, and a killed `replay` resumes to the same bytes.
@Suite("CLI: alerts only")
struct AlertsOnlyOptionTests {
    /// The header and the lines whose `alert` field is `1`.
    static func alertLines(_ output: [UInt8]) -> [UInt8] {
        let lines = output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        let kept = lines.enumerated().filter { index, line in
            index == 0 || line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)[4] == [UInt8(ascii: "1")]
        }
        return kept.flatMap { Array($0.element) + [UInt8(ascii: "\n")] }
    }

    @Test func theOutputIsTheFullOutputsAlertingLines() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, reference) = try ReplayResumeTests.fixture(directory)
        let expected = Self.alertLines(reference)
        let alerts = expected.filter { $0 == UInt8(ascii: "\n") }.count - 1
        #expect(alerts >= 50, "the fixture raises \(alerts) alerts")
        let columns = Array(ReplayResumeTests.options.dropLast())
        #expect(try ClipStreamBinary.run(
            ["convert", input, directory.path("in.csar"), "--label-column", "label", "--time-column", "t"]).status == 0)
        for (name, arguments) in [
            ("csv", ["score", input]), ("3 shards", ["score", input, "--shards", "3"]),
            ("archive", ["score", directory.path("in.csar")]),
        ] {
            let run = try ClipStreamBinary.run(arguments + columns + ["--alerts-only"])
            #expect(run.status == 0, "\(name): \(run.stderr)")
            #expect(run.stdout == expected, "\(name)")
        }
    }

    /// `evaluate` ranks every row; given alerts only (every row alerting, which a full output
    /// never is: each key's warm-up is withheld) it says so on stderr.
    @Test func evaluateWarnsWhenGivenAlertsOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, reference) = try ReplayResumeTests.fixture(directory)
        let full = try EvaluateTests.evaluate([], input: String(decoding: reference, as: UTF8.self))
        let alerts = try EvaluateTests.evaluate([], input: String(decoding: Self.alertLines(reference), as: UTF8.self))
        #expect(full.status == 0 && alerts.status == 0, "\(full.stderr) \(alerts.stderr)")
        #expect(full.stderr.isEmpty, "\(full.stderr)")
        #expect(alerts.stderrLines == [
            "clipstream: warning: every row alerts: is this `score --alerts-only` output? evaluate needs every row (the metrics below rank the alerts only)"
        ])
    }

    @Test func aKilledReplayResumesToTheSameAlertsAndRefusesToResumeWithoutTheFlag() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, reference) = try ReplayResumeTests.fixture(directory)
        let arguments = ["replay", input, "-o", directory.path("out.csv"), "--checkpoint", directory.path("ck"),
            "--checkpoint-every", "5000", "--resume", "--batch-size", "1000"] + ReplayResumeTests.options
        #expect(try ClipStreamBinary.run(arguments + ["--alerts-only", "--fault", "row:13500"]).status == 9)
        let refused = try ClipStreamBinary.run(arguments)
        #expect(refused.status == 31, "\(refused.stderr)")
        #expect(refused.stderr.contains("--alerts-only true (here: false)"), "\(refused.stderr)")
        let finished = try ClipStreamBinary.run(arguments + ["--alerts-only"])
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try directory.read("out.csv") == Self.alertLines(reference))
        #expect(finished.stderr.contains("30000 rows scored of 30000 input rows"))
    }
}
