import Foundation
import TestSupport
import Testing

/// `convert`, then `score`/`replay` of the archive: the same bytes as from the CSV.
@Suite("CLI: binary archives")
struct ArchiveReplayTests {
    static func workspace() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clipstream-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let columns = ["--label-column", "label", "--time-column", "t"]

    @Test func replayOfTheArchiveEqualsReplayOfTheCSVByteForByte() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        #expect(try ClipStreamBinary.run(["generate", "--rows", "9000", "--keys", "5", "--dim", "6", "--seed", "4", "-o", path("in.csv")]).status == 0)
        let converted = try ClipStreamBinary.run(["convert", path("in.csv"), path("in.csar")] + Self.columns)
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(converted.stderr.contains("converted 9000 rows"))
        for command in ["replay", "score"] {
            let fromCSV = try ClipStreamBinary.run([command, path("in.csv"), "-o", path("a.csv"), "--explain", "2"] + Self.columns)
            let fromArchive = try ClipStreamBinary.run([command, path("in.csar"), "-o", path("b.csv"), "--explain", "2"] + Self.columns)
            #expect(fromCSV.status == 0 && fromArchive.status == 0, "\(fromArchive.stderr)")
            let a = try Data(contentsOf: URL(fileURLWithPath: path("a.csv")))
            #expect(a.count > 100_000)
            #expect(a == (try Data(contentsOf: URL(fileURLWithPath: path("b.csv")))), "\(command)")
        }
    }

    @Test func threePartitionsMergedEqualOneReplay() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        _ = try ClipStreamBinary.run(["generate", "--rows", "6000", "--keys", "7", "--dim", "4", "--seed", "8", "-o", path("in.csv")])
        #expect(try ClipStreamBinary.run(["convert", path("in.csv"), path("p"), "--partitions", "3"] + Self.columns).status == 0)
        #expect(try ClipStreamBinary.run(["replay", path("in.csv"), "-o", path("whole.csv")] + Self.columns).status == 0)
        var lines: [Substring] = []
        var header: Substring = ""
        for i in 0..<3 {
            let run = try ClipStreamBinary.run(["replay", path("p.\(i)"), "-o", path("part\(i).csv")] + Self.columns)
            #expect(run.status == 0, "\(run.stderr)")
            let text = try String(contentsOfFile: path("part\(i).csv"), encoding: .utf8)
            let rows = text.split(separator: "\n")
            header = rows[0]
            lines += rows.dropFirst()
        }
        lines.sort { Int($0.prefix { $0 != "," })! < Int($1.prefix { $0 != "," })! }
        let merged = ([header] + lines).joined(separator: "\n") + "\n"
        #expect(merged == (try String(contentsOfFile: path("whole.csv"), encoding: .utf8)))
    }

    @Test func aKilledArchiveReplayResumesToTheSameBytes() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        _ = try ClipStreamBinary.run(["generate", "--rows", "30000", "--keys", "4", "--dim", "6", "--seed", "3", "-o", path("in.csv")])
        #expect(try ClipStreamBinary.run(["convert", path("in.csv"), path("in.csar")] + Self.columns).status == 0)
        let whole = try ClipStreamBinary.run(["replay", path("in.csar"), "-o", path("whole.csv")] + Self.columns)
        #expect(whole.status == 0)
        let base = ["replay", path("in.csar"), "-o", path("out.csv"), "--checkpoint", path("ck"), "--checkpoint-every", "5000"] + Self.columns
        let killed = try ClipStreamBinary.run(base + ["--fault", "row:17000"])
        #expect(killed.status == 9)
        let resumed = try ClipStreamBinary.run(base + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("out.csv"))) == Data(contentsOf: URL(fileURLWithPath: path("whole.csv"))))
    }

    @Test(arguments: ["truncate", "flip", "magic"])
    func damagedArchivesNameTheOffsetAfterWritingEveryGoodRow(damage: String) throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        _ = try ClipStreamBinary.run(["generate", "--rows", "12000", "--keys", "3", "--dim", "4", "--seed", "2", "-o", path("in.csv")])
        #expect(try ClipStreamBinary.run(["convert", path("in.csv"), path("in.csar")] + Self.columns).status == 0)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path("in.csar")))
        // Blocks hold 4,096 rows; damage the second block, so the first is written in full.
        let blocks = (0..<(bytes.count - 3)).filter { bytes[$0..<($0 + 4)] == Data("CSBK".utf8) }
        #expect(blocks.count == 3)
        switch damage {
        case "truncate": bytes = bytes.prefix(blocks[1] + 100)
        case "flip": bytes[blocks[1] + 500] ^= 0x40
        default: bytes[3] = 0
        }
        try bytes.write(to: URL(fileURLWithPath: path("bad.csar")))
        let run = try ClipStreamBinary.run(["score", path("bad.csar"), "-o", path("out.csv")] + Self.columns)
        let written = try String(contentsOfFile: path("out.csv"), encoding: .utf8).split(separator: "\n").count - 1
        if damage == "magic" {
            // Not an archive: read as CSV, which then fails on its binary "header".
            #expect(run.status != 0)
            return
        }
        #expect(run.status == 33, "\(run.stderr)")
        #expect(run.stderr.contains("byte offset \(blocks[1])"))
        #expect(run.stderr.contains("after 4096 rows"))
        #expect(written == 4096)
    }
}
