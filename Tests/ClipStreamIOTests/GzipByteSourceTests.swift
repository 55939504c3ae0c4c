import TestSupport
import ClipStreamIO
import Testing

@Suite("gzip input")
struct GzipByteSourceTests {
    @Test func gzipFileReadsLikeThePlainText() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let text = sampleCSV(rows: 3000)
        let compressed = try gzipCompress(Array(text.utf8), in: directory)
        let path = try directory.write("input.csv.gz", compressed)

        let fromGzip = try readAllRecords(try InputOpener.open(path: path))
        let fromText = try readAllRecords(text)
        #expect(fromGzip.count == 3001)
        #expect(fromGzip == fromText)
    }

    @Test func gzipIsDetectedByMagicBytesNotByName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let compressed = try gzipCompress(Array("a,b\n1,2\n".utf8), in: directory)
        let path = try directory.write("plain-name.csv", compressed)
        #expect(try readAllRecords(try InputOpener.open(path: path)).count == 2)
        #expect(try InputOpener.open(path: path) is GzipByteSource)
    }

    @Test func concatenatedMembersAreDecodedInOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let first = sampleCSV(rows: 500)
        let second = "500,machine-3,0.5,1\n501,machine-4,0.25,2\n"
        let a = try gzipCompress(Array(first.utf8), in: directory, name: "a")
        let b = try gzipCompress(Array(second.utf8), in: directory, name: "b")
        let path = try directory.write("both.gz", a + b + a)

        let records = try readAllRecords(try InputOpener.open(path: path))
        #expect(records == (try readAllRecords(first + second + first)))
        #expect(records.count == 501 + 2 + 501)
    }

    @Test func truncatedFileReturnsCompleteRowsThenThrows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let text = sampleCSV(rows: 20_000)
        let compressed = try gzipCompress(Array(text.utf8), in: directory)
        let path = try directory.write("cut.gz", Array(compressed.dropLast(20)))
        let expected = try readAllRecords(text)

        let reader = CSVReader(source: try InputOpener.open(path: path))
        var records: [ReadRecord] = []
        let error = inputError {
            while try reader.next(blocking: true) == .record { records.append(currentRecord(reader)) }
        }
        #expect(error == .truncatedGzip)
        // Every row returned is intact, and only the last few rows (in the lost 12 bytes of
        // compressed data) are missing.
        #expect(records == Array(expected.prefix(records.count)))
        #expect(records.count > expected.count - 200)
        #expect(records.count < expected.count)
    }

    @Test(arguments: [1, 2, 5, 9, 10, 18])
    func truncatedInsideTheHeaderThrowsTruncated(keep: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let compressed = try gzipCompress(Array("a,b\n".utf8), in: directory)
        let path = try directory.write("head.gz", Array(compressed.prefix(keep)))
        let error = inputError { _ = try readAllRecords(try InputOpener.open(path: path)) }
        // A single byte 1f is not the gzip magic: it is read as a one-field plain-text record.
        if keep >= 2 {
            #expect(error == .truncatedGzip)
        } else {
            #expect(error == nil)
        }
    }

    @Test func corruptBytesThrowGzipErrorsAndNeverCrash() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let compressed = try gzipCompress(Array(sampleCSV(rows: 2000).utf8), in: directory)
        var rng = SplitMix64(seed: 99)
        var outcomes: Set<String> = []
        for trial in 0..<60 {
            var damaged = compressed
            // Damage after the 10-byte header so the magic bytes survive.
            let position = trial < 3 ? [3, 10, damaged.count - 3][trial] : Int.random(in: 10..<damaged.count, using: &rng)
            damaged[position] ^= UInt8.random(in: 1...255, using: &rng)
            let path = try directory.write("bad\(trial).gz", damaged)
            let source = try InputOpener.open(path: path)
            let error = inputError { try drain(source) }
            switch error {
            case .corruptGzip?: outcomes.insert("corrupt")
            case .truncatedGzip?: outcomes.insert("truncated")
            default: Issue.record("trial \(trial), byte \(position): \(String(describing: error))")
            }
        }
        #expect(outcomes.contains("corrupt"))
    }

    @Test func trailingGarbageAfterTheLastMemberIsCorrupt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let compressed = try gzipCompress(Array("a\n".utf8), in: directory)
        let path = try directory.write("junk.gz", compressed + Array("junk".utf8))
        let error = inputError { try drain(try InputOpener.open(path: path)) }
        guard case .corruptGzip? = error else {
            Issue.record("expected corruptGzip, got \(String(describing: error))")
            return
        }
    }

    @Test func emptyCompressedInputEndsAtOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let compressed = try gzipCompress([], in: directory)
        let path = try directory.write("empty.gz", compressed)
        let reader = CSVReader(source: try InputOpener.open(path: path))
        #expect(try reader.next(blocking: true) == .endOfInput)
    }

    @Test func bytesConsumedCountsCompressedBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let compressed = try gzipCompress(Array(sampleCSV(rows: 1000).utf8), in: directory)
        let path = try directory.write("count.gz", compressed)
        let source = try InputOpener.open(path: path)
        try drain(source)
        #expect(source.bytesConsumed == compressed.count)
    }

    /// Reads `source` to its end through a small buffer.
    private func drain(_ source: ByteSource) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 1)
        defer { buffer.deallocate() }
        while try source.read(into: buffer) > 0 {}
    }
}
