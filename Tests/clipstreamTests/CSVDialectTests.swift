import Foundation
import Testing
import TestSupport

/// Every spelling of the same CSV scores to the same output: line endings, a byte-order mark,
/// blank lines, a missing final newline, quoting, gzip.
@Suite("CLI: CSV dialects give the same output")
struct CSVDialectTests {
    /// Keys as they appear in the file, RFC 4180 quoted where needed, and as they should read.
    static let keys = [("\"web,01\"", "web,01"), ("\"db \"\"main\"\"\"", "db \"main\""), ("plain", "plain")]
    static let rowCount = 90

    /// A seeded LF file: `t,key,cpu,mem,disk`, 90 rows over the three keys.
    static let plain: String = {
        var random = TestRandomGenerator(seed: 99)
        var text = "t,key,cpu,mem,disk\n"
        for row in 0..<rowCount {
            let key = keys[row % keys.count].0
            let cpu = 50 + 10 * random.nextUnit()
            let mem = Double(row % keys.count) * 1000 + random.nextUnit()
            text += "2026-01-01T00:\(row / 60):\(row % 60),\(key),\(cpu),\(mem),7\n"
        }
        return text
    }()

    enum Dialect: String, CaseIterable, Sendable {
        case crlf, byteOrderMark, blankLines, noTrailingNewline, gzip, everythingAtOnce
    }

    static func bytes(_ dialect: Dialect) -> [UInt8] {
        let lf = Array(plain.utf8)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        switch dialect {
        case .crlf: return Array(plain.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        case .byteOrderMark: return bom + lf
        case .blankLines: return Array(withBlankLines(plain).utf8)
        case .noTrailingNewline: return Array(lf.dropLast())
        case .gzip: return lf
        case .everythingAtOnce:
            var text = withBlankLines(plain)
            while text.hasSuffix("\n") { text.removeLast() }
            return bom + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        }
    }

    /// A blank line after every tenth row, two after the header, and two at the end.
    static func withBlankLines(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in stride(from: lines.count - 2, to: 0, by: -10) { lines.insert("", at: index) }
        lines.insert(contentsOf: ["", ""], at: 1)
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// Without lags (a narrow input's default is 8), so the explanations name input columns only.
    static let arguments = ["--time-column", "t", "--explain", "2", "--audit", "--shards", "2", "--lags", "0"]

    @Test func plainFileIsScoredWithQuotedKeysDecoded() throws {
        let result = try ClipStreamBinary.run(["score", "-"] + Self.arguments, stdin: Array(Self.plain.utf8))
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let (header, rows) = CSVText.records(result.stdoutLines)
        #expect(header == ["row", "key", "score", "threshold", "alert", "time", "top", "pull", "lambda", "clipped"])
        #expect(rows.count == Self.rowCount)
        #expect(rows.map { $0["row"] } == (1...Self.rowCount).map { String($0) })
        #expect(rows.map { $0["key"] ?? "" } == (0..<Self.rowCount).map { Self.keys[$0 % 3].1 })
        #expect(rows.last?["time"] == "2026-01-01T00:1:29")
        // A key's first row has a zero residual: nothing to explain.
        #expect(rows.prefix(3).allSatisfy { $0["top"] == "" })
        // `disk` is constant, so only cpu and mem are ever named once a key has history.
        #expect(rows.dropFirst(3).allSatisfy {
            ($0["top"] ?? "").contains("cpu") && ($0["top"] ?? "").contains("mem")
        })
    }

    @Test(arguments: Dialect.allCases)
    func dialectMatchesThePlainFile(dialect: Dialect) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let plainPath = try directory.write("plain.csv", Array(Self.plain.utf8))
        var path = try directory.write("input.csv", Self.bytes(dialect))
        if dialect == .gzip || dialect == .everythingAtOnce { path = try directory.gzip("input.csv") }
        let expected = try ClipStreamBinary.run(["score", plainPath] + Self.arguments)
        let result = try ClipStreamBinary.run(["score", path] + Self.arguments)
        #expect(expected.status == 0)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdoutLines.count == Self.rowCount + 1)
        #expect(result.stdout == expected.stdout)
    }

    /// Gzip is detected by its magic bytes, also on standard input.
    @Test func gzipOnStandardInput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try directory.write("input.csv", Array(Self.plain.utf8))
        _ = try directory.gzip("input.csv")
        let compressed = try directory.read("input.csv.gz")
        let expected = try ClipStreamBinary.run(["score", "-"] + Self.arguments, stdin: Array(Self.plain.utf8))
        let result = try ClipStreamBinary.run(["score", "-"] + Self.arguments, stdin: compressed)
        #expect(result.status == 0)
        #expect(result.stdout == expected.stdout)
    }
}
