import Foundation
import TestSupport
import Testing

/// A single series without a key column, and a key column that names each row (a time, an
/// id): the first failed with a bare "column "key" is not in the header", the second gave
/// every row a model of its own (every score 0) without a word.
@Suite("CLI: the key column, explained")
struct KeyColumnHintTests {
    static let series: [UInt8] = {
        var text = "timestamp,value\n"
        for i in 0..<1_200 { text += "2026-11-27 00:\(i / 60):\(i % 60),\(Double(i % 17) * 0.5)\n" }
        return Array(text.utf8)
    }()

    @Test func aMissingKeyColumnSaysHowToNameOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("series.csv", Self.series)
        let run = try ClipStreamBinary.run(["score", input, "--time-column", "timestamp"])
        #expect(run.status == 12)
        #expect(run.stderr.contains("--key-column NAME"), "\(run.stderr)")
    }

    @Test func aKeyPerRowIsPointedOut() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("series.csv", Self.series)
        let run = try ClipStreamBinary.run(["score", input, "--key-column", "timestamp", "-o", "/dev/null"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("1200 keys for 1200 rows"), "\(run.stderr)")
        var text = "key,value\n"
        for i in 0..<1_200 { text += "host-\(i % 3),\(Double(i % 17) * 0.5)\n" }
        let keyed = try ClipStreamBinary.run(["score", try directory.write("keyed.csv", Array(text.utf8)), "-o", "/dev/null"])
        #expect(keyed.status == 0 && !keyed.stderr.contains("keys for"), "\(keyed.stderr)")
    }
}
