import Foundation
import TestSupport
import Testing

/// Keys are told apart by their bytes: "é" precomposed (NFC) and "e" with a combining accent
/// (NFD) are two sources, whichever way the rows come in. (Swift's `String` equality calls
/// them equal: an archive once merged them into one model, and `--max-keys 1` admitted both.)
@Suite("CLI: keys are their bytes")
struct KeySpellingTests {
    static let composed = "h\u{E9}"  // é, one scalar
    static let decomposed = "he\u{301}"  // e and a combining acute accent

    static func input() -> [UInt8] {
        var text = "key,f0,f1\n"
        for i in 0..<600 {
            let key = [Self.composed, Self.decomposed, "z"][i % 3]
            text += "\(key),\(Double(i % 7) * 0.5),\(Double(i % 5) + (i % 3 == 1 ? 100 : 0))\n"
        }
        return Array(text.utf8)
    }

    @Test func anArchiveKeepsBothSpellingsApart() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let csv = try directory.write("in.csv", Self.input())
        let archive = directory.path("in.arch")
        #expect(try ClipStreamBinary.run(["convert", csv, archive]).status == 0)
        let fromCSV = try ClipStreamBinary.run(["score", csv])
        let fromArchive = try ClipStreamBinary.run(["score", archive])
        #expect(fromCSV.status == 0 && fromArchive.status == 0)
        #expect(fromArchive.stdout == fromCSV.stdout)
        let keys = Set(fromCSV.stdoutLines.dropFirst().map { Array($0.split(separator: ",")[1].utf8) })
        #expect(keys.count == 3)
    }

    /// `evaluate` and the HTML report once grouped rows by `String`: the two spellings' rows
    /// made one key of 400 rows, its metrics computed over two models' scores.
    @Test func evaluateAndTheReportKeepBothSpellingsApart() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var text = "key,label,f0\n"
        for i in 0..<600 { text += "\([Self.composed, Self.decomposed, "z"][i % 3]),\(i % 50 == 0 ? 1 : 0),\(i % 7)\n" }
        let csv = try directory.write("in.csv", Array(text.utf8))
        let scored = directory.path("scored.csv")
        let report = directory.path("report.html")
        #expect(try ClipStreamBinary.run(["score", csv, "--label-column", "label", "-o", scored, "--report", report]).status == 0)
        let evaluated = try ClipStreamBinary.run(["evaluate", scored, "--json", "--per-key"])
        #expect(evaluated.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(evaluated.stdout)) as? [String: Any]
        let perKey = json?["per_key"] as? [[String: Any]] ?? []
        #expect(perKey.count == 3)
        #expect(perKey.allSatisfy { $0["rows"] as? Int == 200 }, "\(perKey)")
        let html = String(decoding: try directory.read("report.html"), as: UTF8.self)
        #expect(html.contains("<tr><td>600</td><td>3</td>"))
    }

    @Test func maxKeysCountsBothSpellings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let csv = try directory.write("in.csv", Self.input())
        let state = directory.path("model.state")
        let run = try ClipStreamBinary.run(["score", csv, "--max-keys", "1", "--save-state", state])
        #expect(run.status == 0)
        #expect(run.stdoutLines.count == 1 + 200)
        let inspected = try ClipStreamBinary.run(["inspect-state", state])
        #expect(inspected.stdoutLines.first?.contains(", 1 keys,") == true)
    }
}
