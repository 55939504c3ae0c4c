import TestSupport
import Testing

/// `--shards N` is a logical partition only: the scored output is byte-identical for every N
/// (and for every batch size, a hidden option).
@Suite("CLI: output is byte-identical for every shard count")
struct ShardInvarianceTests {
    static let scoreOptions = ["--label-column", "label", "--time-column", "t", "--explain", "3", "--audit"]

    /// 5000 rows of 7 keys, d 8, scored with one shard.
    static func referenceRun(in directory: TemporaryDirectory) throws -> (input: String, output: [UInt8]) {
        let input = directory.path("input.csv")
        let generated = try ClipStreamBinary.run(
            ["generate", "--rows", "5000", "--keys", "7", "--dim", "8", "--seed", "42", "-o", input])
        #expect(generated.status == 0)
        let reference = try ClipStreamBinary.run(["score", input, "--shards", "1"] + scoreOptions)
        #expect(reference.status == 0)
        #expect(reference.stdoutLines.count == 5001)
        return (input, reference.stdout)
    }

    @Test(arguments: [2, 3, 7])
    func shardCountsAgreeByteForByte(shards: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, reference) = try Self.referenceRun(in: directory)
        let run = try ClipStreamBinary.run(["score", input, "--shards", "\(shards)"] + Self.scoreOptions)
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout == reference)
    }

    @Test(arguments: [1, 100])
    func batchSizesAgreeByteForByte(batchSize: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, reference) = try Self.referenceRun(in: directory)
        let run = try ClipStreamBinary.run(
            ["score", input, "--shards", "3", "--batch-size", "\(batchSize)"] + Self.scoreOptions)
        #expect(run.status == 0)
        #expect(run.stdout == reference)
    }

    /// Reading the file from standard input gives the same bytes as reading it by path.
    @Test func standardInputMatchesAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, reference) = try Self.referenceRun(in: directory)
        let bytes = try directory.read("input.csv")
        #expect(input.hasSuffix("input.csv"))
        let run = try ClipStreamBinary.run(["score", "-", "--shards", "7"] + Self.scoreOptions, stdin: bytes)
        #expect(run.status == 0)
        #expect(run.stdout == reference)
    }
}

/// With `--lags`, every key's window lives in its shard: output is still identical for every N.
@Suite("CLI: lagged features")
struct LaggedScoringTests {
    @Test func lagsAreShardInvariantAndNamedInExplanations() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = directory.path("input.csv")
        _ = try ClipStreamBinary.run(
            ["generate", "--rows", "3000", "--keys", "5", "--dim", "4", "--seed", "3", "-o", input])
        let options = ["--label-column", "label", "--time-column", "t", "--lags", "2", "--explain", "12"]
        let one = try ClipStreamBinary.run(["score", input, "--shards", "1"] + options)
        let three = try ClipStreamBinary.run(["score", input, "--shards", "3"] + options)
        #expect(one.status == 0)
        #expect(one.stdout == three.stdout)
        // Every model feature is named, the lagged ones as `name[t-l]`.
        let explained = one.stdoutLines.dropFirst(2_000).first { $0.contains("[t-2]") }
        #expect(explained != nil)
        let plain = try ClipStreamBinary.run(["score", input, "--shards", "1", "--label-column", "label", "--time-column", "t"])
        #expect(plain.stdout != one.stdout)
    }

    @Test func outOfRangeLagsAreAUsageError() throws {
        let run = try ClipStreamBinary.run(["score", "-", "--lags", "65"], stdin: Array("key,x\na,1\n".utf8))
        #expect(run.status != 0)
        #expect(run.stderr.contains("--lags must be in 0...64"))
    }
}
