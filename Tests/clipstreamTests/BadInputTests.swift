import TestSupport
import Testing

/// Bad input ends the run with one line on stderr, the error class's exit code
/// (`InputError.exitCode`), and every good row before the bad one already on stdout.
@Suite("CLI: bad input")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var exitCode: Int32
        /// Physical line the message must name, if any.
        var line: Int?
        /// Column header the message must name, if any.
        var column: String?
        /// Data rows written before the error.
        var goodRows: Int
        /// Whether the output header is written (false when the input's header is unusable).
        var writesHeader = true
        var testDescription: String { name }
    }

    static let header = "key,f0,f1\n"
    static let good = "a,1,2\nb,3,4\na,1.5,2.5\n"

    static let cases: [Case] = [
        Case(name: "missing key column", input: "host,f0,f1\na,1,2\n", exitCode: 12,
             column: "key", goodRows: 0, writesHeader: false),
        Case(name: "wrong field count on line 4", input: header + "a,1,2\nb,3,4\nc,5\nd,1,2\n",
             exitCode: 11, line: 4, goodRows: 2),
        Case(name: "non-numeric 1.2.3", input: header + good + "b,1,1.2.3\n", exitCode: 15,
             line: 5, column: "f1", goodRows: 3),
        Case(name: "nan", input: header + good + "b,nan,1\n", exitCode: 16, line: 5, column: "f0", goodRows: 3),
        Case(name: "inf", input: header + "a,1,2\nb,2,inf\n", exitCode: 16, line: 3, column: "f1", goodRows: 1),
        Case(name: "1e400 overflows Float", input: header + good + "a,1e400,0\n", exitCode: 16,
             line: 5, column: "f0", goodRows: 3),
        Case(name: "empty input", input: "", exitCode: 5, goodRows: 0, writesHeader: false),
        Case(name: "blank lines only", input: "\n\n", exitCode: 5, goodRows: 0, writesHeader: false),
        Case(name: "header only", input: header, exitCode: 21, goodRows: 0),
        // Lines ended by CR alone read as one header line; before exit 35 the message was
        // `column "key" is not in the header` (the last name was "f1\ra").
        Case(name: "CR-only line ends", input: "f0,f1,key\r1,2,a\r3,4,b\r", exitCode: 35, line: 1,
             goodRows: 0, writesHeader: false),
        Case(name: "empty key", input: header + good + ",1,2\n", exitCode: 23, line: 5, column: "key", goodRows: 3),
        Case(name: "empty value", input: header + "a,1,2\nb,,2\n", exitCode: 17, line: 3, column: "f0", goodRows: 1),
        // A quoted key spans lines 3-4, so the bad value is on physical line 6, data row 4;
        // the key is written back quoted, newline included.
        Case(name: "physical line after a multi-line field",
             input: header + "a,1,2\n\"multi\nline\",3,4\nb,5,6\nb,x,6\n", exitCode: 15, line: 6,
             column: "f0", goodRows: 3),
    ]

    @Test(arguments: cases)
    func badInputIsReported(_ badCase: Case) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = try directory.write("input.csv", Array(badCase.input.utf8))
        let result = try ClipStreamBinary.run(["score", path, "--shards", "2"])
        #expect(result.status == badCase.exitCode)
        try Self.checkMessage(result, line: badCase.line, column: badCase.column)
        let records = CSVText.lines(result.stdoutText)
        #expect(records.count == badCase.goodRows + (badCase.writesHeader ? 1 : 0))
        if badCase.writesHeader {
            #expect(records.first == "row,key,score,threshold,alert")
        }
        let rowNumbers = records.dropFirst().map { CSVText.fields($0)[0] }
        #expect(rowNumbers == (0..<badCase.goodRows).map { String($0 + 1) })
        // The good rows' lines are exactly what a run on the good rows alone prints.
        if badCase.goodRows > 0, let badLine = badCase.line {
            let lines = badCase.input.split(separator: "\n", omittingEmptySubsequences: false)
            let prefix = lines[0..<(badLine - 1)].joined(separator: "\n") + "\n"
            let clean = try ClipStreamBinary.run(["score", "-", "--shards", "1"], stdin: Array(prefix.utf8))
            #expect(clean.status == 0)
            #expect(result.stdout == clean.stdout)
        }
    }

    /// Exactly one line, `clipstream: error: ...`, naming the line and column when they apply.
    static func checkMessage(_ result: ClipStreamBinary.Result, line: Int?, column: String?) throws {
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
        let message = try #require(result.stderrLines.first)
        #expect(message.hasPrefix("clipstream: error: "))
        if let line {
            #expect(message.contains("line \(line),") || message.contains("line \(line):"), "\(message)")
        } else {
            #expect(!message.contains("line "), "\(message)")
        }
        if let column { #expect(message.contains("column \"\(column)\""), "\(message)") }
    }

    /// Binary data is not text before it is anything else: a header of bytes that are not
    /// UTF-8 and hold a CR (a file gzipped twice) was said to end its lines with CR alone (35).
    @Test func binaryDataIsInvalidTextNotCarriageReturns() throws {
        let result = try ClipStreamBinary.run(["score", "-"], stdin: [0x4B, 0xC3, 0x28, 0x0D, 0x01, 0xFE, 0x0A, 0x61, 0x0A])
        #expect(result.status == 18, "\(result.stderr)")
        try Self.checkMessage(result, line: 1, column: "#1")
        #expect(result.stderr.contains("invalid UTF-8"))
        // Text before the CR is CR-only line ends, whatever follows it: the data rows' time or
        // label values need not be UTF-8 (`caf\xE9`), and the converted file scores.
        let crOnly = try ClipStreamBinary.run(
            ["score", "-", "--time-column", "t"], stdin: Array("t,key,f0\rcaf".utf8) + [0xE9] + Array(",k,1\rb,k,2\r".utf8))
        #expect(crOnly.status == 35, "\(crOnly.stderr)")
    }

    /// Losing only the gzip trailer: every row decodes and is scored, then exit 7.
    @Test func gzipWithoutItsTrailer() throws {
        let (result, full) = try Self.truncatedGzip { $0.dropLast(8) }
        #expect(result.status == 7)
        try Self.checkMessage(result, line: nil, column: nil)
        #expect(result.stdoutLines.count == 2001)
        #expect(result.stdout == full)
    }

    /// Cut in the middle: the complete rows decoded before the cut are scored, then exit 7.
    @Test func gzipCutInTheMiddle() throws {
        let (result, full) = try Self.truncatedGzip { $0.prefix($0.count / 2) }
        #expect(result.status == 7)
        try Self.checkMessage(result, line: nil, column: nil)
        #expect(result.stdoutLines.count > 100 && result.stdoutLines.count < 2001)
        #expect(result.stdout.last == UInt8(ascii: "\n"))
        #expect(full.starts(with: result.stdout))
    }

    /// Scores a generated 2000-row file, gzipped and then cut by `cut`; returns that run and
    /// the full output of the intact file.
    static func truncatedGzip(
        _ cut: ([UInt8]) -> ArraySlice<UInt8>
    ) throws -> (ClipStreamBinary.Result, full: [UInt8]) {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let plain = directory.path("input.csv")
        let generated = try ClipStreamBinary.run(
            ["generate", "--rows", "2000", "--keys", "3", "--dim", "4", "--seed", "3", "-o", plain])
        #expect(generated.status == 0)
        let full = try ClipStreamBinary.run(["score", plain, "--shards", "1"])
        #expect(full.status == 0)
        _ = try directory.gzip("input.csv")
        let compressed = try directory.read("input.csv.gz")
        let path = try directory.write("truncated.gz", Array(cut(compressed)))
        return (try ClipStreamBinary.run(["score", path, "--shards", "1"]), full.stdout)
    }

    /// A binary archive where only CSV is read: one clear line, exit 34 (it read as text and
    /// failed on "invalid UTF-8" in its first line).
    @Test func anArchiveWhereCSVIsExpected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let csv = try directory.write("in.csv", Array("key,label,f0\na,0,1\na,1,2\n".utf8))
        let archive = directory.path("in.arc")
        #expect(try ClipStreamBinary.run(["convert", csv, archive, "--label-column", "label"]).status == 0)
        let scored = directory.path("scored.csv")
        #expect(try ClipStreamBinary.run(["score", csv, "--label-column", "label", "-o", scored]).status == 0)
        for arguments in [["convert", archive, directory.path("again.arc")], ["evaluate", archive], ["evaluate", scored, "--labels", archive]] {
            let run = try ClipStreamBinary.run(arguments)
            #expect(run.status == 34, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("is a binary archive"), "\(arguments): \(run.stderr)")
        }
    }
}
