import TestSupport
import Testing

/// `clipstream generate` writes the seeded hard-case stream as CSV.
@Suite("CLI: generate")
struct GenerateTests {
    static func generate(seed: Int, extra: [String] = []) throws -> ClipStreamBinary.Result {
        let result = try ClipStreamBinary.run(
            ["generate", "--rows", "500", "--keys", "4", "--dim", "6", "--seed", "\(seed)"] + extra)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        return result
    }

    @Test func sameSeedGivesIdenticalBytes() throws {
        let first = try Self.generate(seed: 5)
        let second = try Self.generate(seed: 5)
        #expect(first.stdout == second.stdout)
        #expect(!first.stdout.isEmpty)
        let other = try Self.generate(seed: 6)
        #expect(other.stdout != first.stdout)
    }

    @Test func layoutIsTimeKeyLabelThenFeatures() throws {
        let lines = try Self.generate(seed: 5).stdoutLines
        #expect(lines.first == "t,key,label,f0,f1,f2,f3,f4,f5")
        #expect(lines.count == 501)
        let rows = lines.dropFirst().map(CSVText.fields)
        #expect(rows.allSatisfy { $0.count == 9 })
        #expect(rows.map { $0[0] } == (0..<500).map { String($0) })
        #expect(Set(rows.map { $0[1] }) == ["host-00", "host-01", "host-02", "host-03"])
        #expect(rows.allSatisfy { $0[2] == "0" || $0[2] == "1" })
        #expect(rows.allSatisfy { $0[3...].allSatisfy { Float($0)?.isFinite == true } })
        // The last 3 columns are constant per key, the first of them 0 for every key.
        #expect(rows.allSatisfy { Float($0[6]) == 0 })
        let byKey = Dictionary(grouping: rows, by: { $0[1] })
        #expect(byKey.values.allSatisfy { Set($0.map { $0[7] }).count == 1 && Set($0.map { $0[8] }).count == 1 })
        #expect(byKey.values.allSatisfy { Set($0.map { $0[3] }).count > 100 })
    }

    @Test func outputFileMatchesStandardOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("out.csv")
        let toFile = try Self.generate(seed: 5, extra: ["-o", path])
        #expect(toFile.stdout.isEmpty)
        #expect(try directory.read("out.csv") == Self.generate(seed: 5).stdout)
    }

    /// What `generate` writes, `score` reads: the generated file scores cleanly.
    @Test func generatedStreamScoresCleanly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("out.csv")
        _ = try Self.generate(seed: 5, extra: ["-o", path])
        let scored = try ClipStreamBinary.run(["score", path, "--label-column", "label", "--time-column", "t"])
        #expect(scored.status == 0)
        #expect(scored.stdoutLines.count == 501)
        #expect(scored.stdoutLines.first == "row,key,score,threshold,alert,label,time")
    }
}
