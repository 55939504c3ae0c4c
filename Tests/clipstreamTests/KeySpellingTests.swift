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
