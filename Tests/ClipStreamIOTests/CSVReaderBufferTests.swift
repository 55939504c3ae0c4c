import ClipStreamIO
import Testing

@Suite("CSVReader buffering, limits and non-blocking reads")
struct CSVReaderBufferTests {
    /// Input mixing every construct, so splitting it anywhere exercises every resumable state.
    static let mixedText =
        "\u{FEFF}t,key,\"note\"\r\n"
        + "1,alpha,\"a, \"\"quoted\"\"\r\nvalue\"\n"
        + "\n"
        + "2,beta,plain\r\n"
        + "3,\"\",\"x\"\r\n"
        + "4,gamma,\"multi\nline\nfield\"\n"
        + "5,delta,last"

    static let mixedExpected = [
        ReadRecord(line: 1, fields: ["t", "key", "note"]),
        ReadRecord(line: 2, fields: ["1", "alpha", "a, \"quoted\"\r\nvalue"]),
        ReadRecord(line: 5, fields: ["2", "beta", "plain"]),
        ReadRecord(line: 6, fields: ["3", "", "x"]),
        ReadRecord(line: 7, fields: ["4", "gamma", "multi\nline\nfield"]),
        ReadRecord(line: 10, fields: ["5", "delta", "last"]),
    ]

    @Test(arguments: [1, 2, 3, 5, 7, 13, 64])
    func recordsStraddlingReadsAndBufferEnds(sourceChunk: Int) throws {
        for readChunk in [1, 4, 16, 1 << 18] {
            let records = try readAllRecords(Self.mixedText, chunkSize: sourceChunk, readChunkSize: readChunk)
            #expect(records == Self.mixedExpected, "source chunk \(sourceChunk), read chunk \(readChunk)")
        }
    }

    @Test func manyRecordsThroughASmallBufferAreAllRead() throws {
        var text = "t,v\n"
        for k in 0..<5000 { text += "\(k),\"v\(k)\"\r\n" }
        let records = try readAllRecords(text, chunkSize: 97, readChunkSize: 50)
        #expect(records.count == 5001)
        #expect(records[4321] == ReadRecord(line: 4322, fields: ["4320", "v4320"]))
        #expect(records.last == ReadRecord(line: 5001, fields: ["4999", "v4999"]))
    }

    /// Reads `text` passing over bad records: the records read, and the bytes passed over.
    static func readSkipping(_ text: String, maxLineLength: Int, chunkSize: Int) throws -> ([ReadRecord], String) {
        let reader = CSVReader(source: ChunkedByteSource(text, chunkSize: chunkSize), maxLineLength: maxLineLength, readChunkSize: 16)
        var records: [ReadRecord] = []
        var skipped: [UInt8] = []
        while true {
            let result: CSVReader.ReadResult
            do throws(InputError) {
                result = try reader.next(blocking: true)
            } catch {
                guard error.isRecoverable else { throw error }
                try reader.skipBadRecord { skipped += Array($0) }
                continue
            }
            guard result == .record else { break }
            records.append(currentRecord(reader))
        }
        return (records, String(decoding: skipped, as: UTF8.self))
    }

    /// A record too long to buffer ends at its first line feed outside quotes; a quote that
    /// never closes (a stray `"` in numeric data) is given up after another 4 `maxLineLength`
    /// bytes, so it costs a bounded stretch of the stream, not the rest of it.
    @Test func aSkippedRecordEndsOutsideItsQuotesWithinABound() throws {
        for chunk in [1, 5, 64] {
            let quoted = "k,\"" + String(repeating: "x", count: 80) + "\nevil\",9\n"
            let (records, skipped) = try Self.readSkipping("h,v\n\(quoted)k,1\nk,2\n", maxLineLength: 32, chunkSize: chunk)
            #expect(records.map(\.fields) == [["h", "v"], ["k", "1"], ["k", "2"]])
            #expect(records.map(\.line) == [1, 4, 5])
            #expect(skipped == quoted)

            let stray = "k,\"1.5\n" + String(repeating: "k,7\n", count: 100)
            let (after, _) = try Self.readSkipping("h,v\n\(stray)", maxLineLength: 32, chunkSize: chunk)
            #expect(after.count > 40)
            #expect(after.dropFirst().allSatisfy { $0.fields == ["k", "7"] })
        }
    }

    @Test func recordAtTheLimitIsAcceptedAndOneByteMoreIsNot() throws {
        let atLimit = String(repeating: "x", count: 10)
        // The terminator does not count, CRLF's `\r` included (it did, once: the same record
        // passed with LF and failed with CRLF), however the chunks split it.
        for chunk in [1, 3, 64] {
            #expect(try readAllRecords(ChunkedByteSource("h\r\n\(atLimit)\r\n", chunkSize: chunk), maxLineLength: 10).count == 2)
            #expect(try readAllRecords(ChunkedByteSource("h\r\n\"\(atLimit.dropLast(2))\"\r\n", chunkSize: chunk), maxLineLength: 10).count == 2)
            #expect(
                inputError { _ = try readAllRecords(ChunkedByteSource("h\r\n\(atLimit)x\r\n", chunkSize: chunk), maxLineLength: 10) }
                    == .lineTooLong(line: 2, limit: 10))
        }
        #expect(try readAllRecords(ChunkedByteSource("h\n\(atLimit)\n"), maxLineLength: 10).count == 2)
        #expect(
            inputError { _ = try readAllRecords(ChunkedByteSource("h\n\(atLimit)x\n"), maxLineLength: 10) }
                == .lineTooLong(line: 2, limit: 10))
        #expect(
            inputError { _ = try readAllRecords(ChunkedByteSource("h\n\(atLimit)x"), maxLineLength: 10) }
                == .lineTooLong(line: 2, limit: 10))
    }

    @Test func hugeLineWithoutNewlineThrowsWithBoundedMemory() throws {
        let source = RepeatingByteSource(byte: UInt8(ascii: "7"), count: 3 << 20, chunkSize: 1 << 16)
        let reader = CSVReader(source: source)
        #expect(throws: InputError.lineTooLong(line: 1, limit: 1 << 20)) { try reader.next(blocking: true) }
        #expect(reader.bufferCapacity <= CSVReader.defaultMaxLineLength + 1 + CSVReader.defaultReadChunkSize)
        // It stopped soon after the limit rather than reading the whole 3 MiB.
        #expect(source.bytesConsumed <= CSVReader.defaultMaxLineLength + CSVReader.defaultReadChunkSize)
    }

    @Test func hugeQuotedFieldThrowsWithBoundedMemory() throws {
        let bytes = [UInt8](repeating: UInt8(ascii: "\""), count: 1) + [UInt8](repeating: 0x41, count: 3 << 20)
        let source = ChunkedByteSource(Array("h\n".utf8) + bytes, chunkSize: 1 << 15)
        let reader = CSVReader(source: source, maxLineLength: 1 << 20, readChunkSize: 1 << 16)
        #expect(try reader.next(blocking: true) == .record)
        #expect(throws: InputError.lineTooLong(line: 2, limit: 1 << 20)) { try reader.next(blocking: true) }
        #expect(reader.bufferCapacity <= (1 << 20) + 1 + (1 << 16))
        #expect(source.largestRequest <= 1 << 16)
    }

    @Test func wouldBlockWhenNoCompleteRecordIsBuffered() throws {
        let text = "a,b\n1,2\n3,4\n"
        let source = ChunkedByteSource(text, chunkSize: 3, availableCount: 10)  // "a,b\n1,2\n3,"
        let reader = CSVReader(source: source, readChunkSize: 4)
        #expect(try reader.next(blocking: false) == .record)
        #expect(currentRecord(reader) == ReadRecord(line: 1, fields: ["a", "b"]))
        #expect(try reader.next(blocking: false) == .record)
        #expect(currentRecord(reader) == ReadRecord(line: 2, fields: ["1", "2"]))
        #expect(try reader.next(blocking: false) == .wouldBlock)
        #expect(reader.fieldCount == 0)
        #expect(try reader.next(blocking: false) == .wouldBlock)
        source.availableCount = text.utf8.count
        #expect(try reader.next(blocking: false) == .record)
        #expect(currentRecord(reader) == ReadRecord(line: 3, fields: ["3", "4"]))
        #expect(try reader.next(blocking: false) == .endOfInput)
    }

    @Test func blockingReadIgnoresReadiness() throws {
        let source = ChunkedByteSource("a\nb\n", chunkSize: 1, availableCount: 0)
        let reader = CSVReader(source: source)
        #expect(try reader.next(blocking: false) == .wouldBlock)
        #expect(try reader.next(blocking: true) == .record)
        #expect(reader.string(at: 0) == "a")
    }
}
