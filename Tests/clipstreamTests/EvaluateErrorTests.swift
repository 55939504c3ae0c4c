import Foundation
import TestSupport
import Testing

/// Bad input to `clipstream evaluate`: one line on stderr naming the place, a documented code.
@Suite("CLI: evaluate errors")
struct EvaluateErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var arguments: [String] = []
        var exitCode: Int32
        /// Text the one stderr line must contain.
        var message: String
        var testDescription: String { name }
    }

    static let fixture = EvaluateFixture.scoreOutput
    /// `fixture` with line `line` (header = 1) changed by `edit`.
    static func editing(line: Int, _ edit: (String) -> String) -> String {
        var lines = fixture.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[line - 1] = edit(lines[line - 1])
        return lines.joined(separator: "\n")
    }

    static let cases: [Case] = [
        // Lines ended by CR alone: one header line (before exit 35: `column "label" is not in
        // the header`).
        Case(name: "CR-only line ends", input: fixture.replacingOccurrences(of: "\n", with: "\r"), exitCode: 35,
             message: "line 1: the header holds a carriage return that ends no line"),
        // Row 5 is B's first anomaly, on line 6: "5,B,6.0,2.5,1,1".
        Case(name: "label 2", input: editing(line: 6) { $0.dropLast() + "2" }, exitCode: 24,
             message: #"line 6, column "label": invalid label "2" (expected 0, 1, true or false)"#),
        Case(name: "empty label", input: editing(line: 6) { String($0.dropLast()) }, exitCode: 24,
             message: #"line 6, column "label": invalid label """#),
        Case(name: "alert 2", input: editing(line: 6) { $0.replacingOccurrences(of: ",1,1", with: ",2,1") },
             exitCode: 25, message: #"line 6, column "alert": invalid value "2""#),
        Case(name: "row out of order", input: editing(line: 6) { "3" + $0.dropFirst() }, exitCode: 25,
             message: "line 6: row 3 does not follow row 4"),
        Case(name: "row not a number", input: editing(line: 6) { "x" + $0 }, exitCode: 25,
             message: #"line 6, column "row": invalid value "x5""#),
        // Row 24, the last (line 25), one past `Int.max`.
        Case(name: "row past Int.max", input: editing(line: 25) { "9223372036854775808" + $0.dropFirst(2) },
             exitCode: 25, message: #"line 25, column "row": invalid value "9223372036854775808""#),
        Case(name: "score not a number", input: editing(line: 6) { $0.replacingOccurrences(of: "6.0", with: "six") },
             exitCode: 15, message: #"line 6, column "score": non-numeric value "six""#),
        Case(name: "no label column", input: EvaluateFixture.unlabelledScoreOutput, exitCode: 12,
             message: #"column "label" is not in the header"#),
        // Either column could be meant (it used the first, exit 0).
        Case(name: "two label columns",
             input: fixture.split(separator: "\n").enumerated().map { $0.offset == 0 ? $0.element + ",label\n" : $0.element + ",0\n" }.joined(),
             exitCode: 13, message: #"column "label" appears more than once in the header"#),
        Case(name: "header only", input: "row,key,score,threshold,alert,label\n", exitCode: 21,
             message: "no data rows"),
        Case(name: "every row before --from-row", input: fixture, arguments: ["--from-row", "25"],
             exitCode: 27, message: "no rows to evaluate: every row is before --from-row 25"),
        Case(name: "--from-row 0", input: fixture, arguments: ["--from-row", "0"], exitCode: 64,
             message: "--from-row must be 1 or more"),
        Case(name: "--label-column without --labels", input: fixture, arguments: ["--label-column", "y"],
             exitCode: 64, message: "give --labels too"),
    ]

    @Test(arguments: cases)
    func badInputIsReported(_ badCase: Case) throws {
        let result = try EvaluateTests.evaluate(badCase.arguments, input: badCase.input)
        #expect(result.status == badCase.exitCode)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(badCase.message), "\(result.stderr)")
    }

    @Test func badLabelInTheLabelsFileNamesFileAndPhysicalLine() throws {
        // Data row 5 sits on physical line 7: header, rows 1-3, a blank line, row 4, row 5.
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let labels = EvaluateFixture.labelledInput.replacingOccurrences(of: "4,B,true,", with: "4,B,yes,")
        let path = try directory.write("input.csv", Array(labels.utf8))
        let result = try EvaluateTests.evaluate(
            ["--labels", path, "--label-column", "is_anomaly"], input: EvaluateFixture.unlabelledScoreOutput)
        #expect(result.status == 24)
        #expect(result.stderr == "clipstream: error: \"\(path)\" line 7, column \"is_anomaly\": invalid label \"yes\" (expected 0, 1, true or false)\n")
    }

    @Test func labelsFileShorterThanTheOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let short = EvaluateFixture.labelledInput.split(separator: "\n", omittingEmptySubsequences: false)
            .prefix(12).joined(separator: "\n") + "\n"  // header, rows 1-3, blank, rows 4-10
        let path = try directory.write("input.csv", Array(short.utf8))
        let result = try EvaluateTests.evaluate(
            ["--labels", path, "--label-column", "is_anomaly"], input: EvaluateFixture.unlabelledScoreOutput)
        #expect(result.status == 26)
        #expect(result.stderr.contains("row 11 has no label: \"\(path)\" has 10 data rows"), "\(result.stderr)")
    }

    @Test func aLabelsColumnNamedTwiceIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let labels = EvaluateFixture.labelledInput.replacingOccurrences(of: "is_anomaly", with: "is_anomaly,is_anomaly")
            .split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 || $0.element.isEmpty ? String($0.element) : $0.element + ",0" }.joined(separator: "\n")
        let path = try directory.write("input.csv", Array(labels.utf8))
        let result = try EvaluateTests.evaluate(
            ["--labels", path, "--label-column", "is_anomaly"], input: EvaluateFixture.unlabelledScoreOutput)
        #expect(result.status == 13)
        #expect(result.stderr.contains("column \"is_anomaly\" appears more than once"), "\(result.stderr)")
    }

    /// A labels file whose lines end with CR alone is refused as the scored input is (exit 35,
    /// naming the file); read as fields, it said the label column was missing (exit 12).
    @Test func aLabelsFileWithCarriageReturnLineEndsIsNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let labels = EvaluateFixture.labelledInput.replacingOccurrences(of: "\n", with: "\r")
        let path = try directory.write("input.csv", Array(labels.utf8))
        let result = try EvaluateTests.evaluate(
            ["--labels", path, "--label-column", "is_anomaly"], input: EvaluateFixture.unlabelledScoreOutput)
        #expect(result.status == 35)
        #expect(result.stderr.hasPrefix("clipstream: error: \"\(path)\": line 1: the header holds a carriage return"), "\(result.stderr)")
    }

    /// `-` and `/dev/stdin` on one pipe: the two readers would take turns draining it (exit 12,
    /// "column label is not in the header", before). Refused like `-` twice; a regular file
    /// redirected to stdin can be read through both names and is not.
    @Test func bothInputsOnOnePipeAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let scored = try directory.write("scored.csv", Array(EvaluateFixture.scoreOutput.utf8))
        let binary = try ClipStreamBinary.url().path
        func shell(_ command: String) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try shell("cat '\(scored)' | '\(binary)' evaluate - --labels /dev/stdin") == 64)
        #expect(try shell("cat '\(scored)' | '\(binary)' evaluate /dev/stdin --labels /dev/fd/0") == 64)
        #expect(try shell("'\(binary)' evaluate '\(scored)' --labels /dev/stdin < '\(scored)'") == 0)
    }

    /// A `score` output line may outgrow its input's 1 MiB record (the key, label and time
    /// fields double when quoted): `evaluate` reads the lines `score` writes (exit 8 before).
    @Test func anOutputLineLongerThanAnInputRecordIsRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var lines = ["t,key,label,f0"] + (0..<60).map { "\($0),k,0,\(Double($0 % 7) * 0.5)" }
        // A time field of 600,000 quote characters: 1.2 MB once quoted in the output.
        lines.insert(#"a"# + String(repeating: "\"", count: 600_000) + ",k,1,9.5", at: 40)
        let input = try directory.write("input.csv", Array((lines.joined(separator: "\n") + "\n").utf8))
        let scored = directory.path("scored.csv")
        let score = try ClipStreamBinary.run(["score", input, "--label-column", "label", "--time-column", "t", "-o", scored])
        #expect(score.status == 0, "\(score.stderr)")
        let longest = try directory.read("scored.csv").split(separator: UInt8(ascii: "\n")).map(\.count).max() ?? 0
        #expect(longest > 1 << 20)
        let result = try ClipStreamBinary.run(["evaluate", scored, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try EvaluateTests.json(result)
        #expect((report["rows"] as? Int) == 61)
    }

    @Test func missingLabelsColumnNamesTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = try directory.write("input.csv", Array(EvaluateFixture.labelledInput.utf8))
        let result = try EvaluateTests.evaluate(["--labels", path], input: EvaluateFixture.unlabelledScoreOutput)
        #expect(result.status == 12)
        #expect(result.stderr == "clipstream: error: \"\(path)\": column \"label\" is not in the header\n")
    }
}
