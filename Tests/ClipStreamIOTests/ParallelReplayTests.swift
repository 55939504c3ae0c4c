import ClipStreamCore
import ClipStreamIO
import Foundation
import TestSupport
import Testing

/// The parallel parts of a replay (line formatting in chunks, a block's CRC-32 in segments,
/// its rows copied in chunks) give the same bytes for any worker count, and damage is still
/// reported at the same offset after every row before it.
@Suite("Parallel replay: the same bytes for any worker count")
struct ParallelReplayTests {
    static let dimension = 64

    /// An archive of `rows` rows at d = 64 in blocks of 4,096 (1 MB each: several CRC segments
    /// and copy chunks), 7 keys (one with a comma), labels and times; `nanAt` puts a NaN in
    /// that row.
    static func archive(rows: Int, nanAt: Int? = nil, dimension: Int = dimension) throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("a.csar")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        let header = ArchiveHeader(
            keyColumn: "key", labelColumn: "label", timeColumn: "t",
            featureNames: (0..<dimension).map { "f\($0)" })
        let writer = ArchiveWriter(fileDescriptor: fd, header: header)
        var random = SplitMix64(seed: 9)
        var row = 0
        while row < rows {
            let n = min(4096, rows - row)
            var keys: [String] = []
            var numbers: [Int] = []
            var labels: [[UInt8]] = []
            var times: [[UInt8]] = []
            var values: [Float] = []
            for _ in 0..<n {
                row += 1
                keys.append(row % 7 == 3 ? "web,\(row % 2)" : "host-\(row % 7)")
                numbers.append(row + row / 1000)  // gaps, as skipped bad rows leave
                labels.append(Array((row % 97 == 0 ? "1" : "0").utf8))
                times.append(Array("\(1_000_000 + row)".utf8))
                for j in 0..<dimension {
                    let spike: Float = row % 97 == 0 && j < 3 ? 40 : 0
                    values.append(Float(Double.random(in: 0..<1, using: &random)) * Float(j % 5 + 1) + spike)
                }
                if row == nanAt { values[values.count - 5] = .nan }
            }
            values.withUnsafeBufferPointer {
                writer.write(keys: keys, rowNumbers: numbers, labels: labels, times: times, values: $0)
            }
        }
        try writer.finish()
        close(fd)
        return try directory.read("a.csar")
    }

    /// Replays `bytes` with `workers` helpers: the output, and the error that ended the run.
    /// `fromFile`: read from a file as the CLI opens it (positional reads), else in chunks.
    static func replay(
        _ bytes: [UInt8], workers: Int, batch: Int = 4096, fromFile: Bool = false
    ) throws -> (output: [UInt8], error: (any Error)?) {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("out.csv")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        var options = ScoringOptions()
        options.labelColumn = "label"
        options.timeColumn = "t"
        options.explainCount = 2
        options.audit = true
        options.shardCount = 3
        options.batchCapacity = batch
        options.ioWorkers = workers
        let output = OutputBuffer(fileDescriptor: fd)
        let reader: ArchiveReader
        if fromFile {
            guard case .archive(let opened) = try InputOpener.openRows(path: try directory.write("in.csar", bytes)) else {
                throw ArchiveError.notAnArchive
            }
            reader = opened
        } else {
            reader = try ArchiveReader(source: ChunkedByteSource(bytes, chunkSize: 100_003))
        }
        let pipeline = ScoringPipeline(archive: reader, output: output, options: options) { names in
            let configuration = Configuration(dimension: names.count)
            try configuration.validate()
            return configuration
        }
        var failure: (any Error)?
        do {
            _ = try pipeline.run()
        } catch {
            failure = error
        }
        try output.flush()
        close(fd)
        return (try directory.read("out.csv"), failure)
    }

    @Test func theOutputIsTheSameForAnyWorkerCount() throws {
        let bytes = try Self.archive(rows: 10_000)
        let (one, error) = try Self.replay(bytes, workers: 1)
        #expect(error == nil)
        #expect(one.count > 500_000)
        for workers in [2, 3, 8] {
            #expect(try Self.replay(bytes, workers: workers).output == one, "\(workers) workers")
        }
        // Batches that straddle blocks, and chunks of uneven sizes.
        #expect(try Self.replay(bytes, workers: 5, batch: 1500).output == one)
    }

    @Test func aNonFiniteValueEndsTheRunAfterEveryRowBeforeIt() throws {
        // Row 6,000 is in the second block, in the middle of a copy chunk.
        let bytes = try Self.archive(rows: 10_000, nanAt: 6_000)
        let clean = try Self.replay(try Self.archive(rows: 5_999), workers: 1).output
        for workers in [1, 4] {
            let (output, error) = try Self.replay(bytes, workers: workers)
            let text = "\(error.map { "\($0)" } ?? "none")"
            #expect(text.contains("row 6006 holds a non-finite value in column f59"), "\(text)")
            // Every line before the bad row (the archive of its first 5,999 rows ends the same).
            #expect(output == clean, "\(workers) workers")
        }
    }

    @Test(arguments: [1, 4])
    func aFlippedByteInABigBlockIsCaughtAtItsOffset(workers: Int) throws {
        var bytes = try Self.archive(rows: 10_000)
        let blocks = (0..<(bytes.count - 3)).filter { bytes[$0..<($0 + 4)].elementsEqual("CSBK".utf8) }
        #expect(blocks.count == 3)
        // Past the first segment of the second block's CRC.
        bytes[blocks[1] + 700_000] ^= 0x10
        let (output, error) = try Self.replay(bytes, workers: workers)
        let text = "\(error.map { "\($0)" } ?? "none")"
        #expect(text.contains("byte offset \(blocks[1]) (after 4096 rows)"), "\(text)")
        #expect(output.filter { $0 == UInt8(ascii: "\n") }.count == 1 + 4096)
    }

    /// Blocks of 4 MB (d = 256) read from a file: their values are read by several positional
    /// reads at once; the same bytes, and a truncation inside the values named at its block.
    @Test func concurrentReadsOfAFileGiveTheSameBytesAndTheSameTruncation() throws {
        let bytes = try Self.archive(rows: 9_000, dimension: 256)
        let (one, error) = try Self.replay(bytes, workers: 1, fromFile: true)
        #expect(error == nil)
        #expect(try Self.replay(bytes, workers: 4, fromFile: true).output == one)
        #expect(try Self.replay(bytes, workers: 1).output == one)
        let blocks = (0..<(bytes.count - 3)).filter { bytes[$0..<($0 + 4)].elementsEqual("CSBK".utf8) }
        #expect(blocks.count == 3)
        let cut = Array(bytes[..<(blocks[1] + 3_000_000)])
        for workers in [1, 4] {
            let (output, error) = try Self.replay(cut, workers: workers, fromFile: true)
            let text = "\(error.map { "\($0)" } ?? "none")"
            #expect(text.contains("truncated at byte offset \(blocks[1]) (after 4096 rows)"), "\(text)")
            #expect(output.filter { $0 == UInt8(ascii: "\n") }.count == 1 + 4096)
        }
    }

    @Test func aSplitChecksumEqualsOneCall() {
        var random = SplitMix64(seed: 3)
        for count in [0, 1, 65_535, 65_536, 131_072, 131_073, 1_000_003] {
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            bytes.withUnsafeBytes { raw in
                let one = Checksum.crc32(raw)
                for workers in [1, 2, 3, 16] {
                    #expect(Checksum.crc32(raw, workers: workers) == one, "\(count) bytes, \(workers) workers")
                }
            }
        }
    }
}
