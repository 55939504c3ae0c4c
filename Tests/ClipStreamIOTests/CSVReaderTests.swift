import ClipStreamIO
import Testing

@Suite("CSVReader records and fields")
struct CSVReaderTests {
    @Test func lineFeedTerminatedRecords() throws {
        let records = try readAllRecords("a,b\n1,2\n")
        #expect(records == [ReadRecord(line: 1, fields: ["a", "b"]), ReadRecord(line: 2, fields: ["1", "2"])])
    }

    @Test func crlfTerminatedRecords() throws {
        let records = try readAllRecords("a,b\r\n1,2\r\n")
        #expect(records == [ReadRecord(line: 1, fields: ["a", "b"]), ReadRecord(line: 2, fields: ["1", "2"])])
    }

    @Test func quotedFieldsKeepCommas() throws {
        let records = try readAllRecords("x,\"a,b\",y\n")
        #expect(records == [ReadRecord(line: 1, fields: ["x", "a,b", "y"])])
    }

    @Test func doubledQuotesAreUnescaped() throws {
        let records = try readAllRecords("\"he said \"\"hi\"\"\",2\n\"\"\"\"\n")
        #expect(records == [ReadRecord(line: 1, fields: ["he said \"hi\"", "2"]), ReadRecord(line: 2, fields: ["\""])])
    }

    @Test func embeddedNewlinesAdvanceTheNextRecordsLine() throws {
        let text = "h,v\n\"a\nb\",1\n\"x\r\ny\nz\",2\r\nnext,3\n"
        let records = try readAllRecords(text)
        #expect(
            records == [
                ReadRecord(line: 1, fields: ["h", "v"]),
                ReadRecord(line: 2, fields: ["a\nb", "1"]),
                ReadRecord(line: 4, fields: ["x\r\ny\nz", "2"]),
                ReadRecord(line: 7, fields: ["next", "3"]),
            ])
    }

    @Test func finalLineWithoutNewlineIsARecord() throws {
        #expect(try readAllRecords("a,b\n1,2") == [ReadRecord(line: 1, fields: ["a", "b"]), ReadRecord(line: 2, fields: ["1", "2"])])
        #expect(try readAllRecords("a\r") == [ReadRecord(line: 1, fields: ["a"])])
        #expect(try readAllRecords("a,\"q\"") == [ReadRecord(line: 1, fields: ["a", "q"])])
        #expect(try readAllRecords("a,") == [ReadRecord(line: 1, fields: ["a", ""])])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let records = try readAllRecords("\n\r\na\n\n\r\n1\n\n")
        #expect(records == [ReadRecord(line: 3, fields: ["a"]), ReadRecord(line: 6, fields: ["1"])])
    }

    @Test func emptyQuotedFieldIsNotABlankLine() throws {
        let records = try readAllRecords("a\n\"\"\n")
        #expect(records == [ReadRecord(line: 1, fields: ["a"]), ReadRecord(line: 2, fields: [""])])
    }

    @Test func byteOrderMarkIsSkippedAtStartOnly() throws {
        let records = try readAllRecords("\u{FEFF}a,b\n\u{FEFF}x,y\n")
        #expect(records == [ReadRecord(line: 1, fields: ["a", "b"]), ReadRecord(line: 2, fields: ["\u{FEFF}x", "y"])])
        #expect(try readAllRecords("\u{FEFF}") == [])
        #expect(try readAllRecords("\u{FEFF}a", chunkSize: 1) == [ReadRecord(line: 1, fields: ["a"])])
    }

    @Test func fieldCountsAreReportedNotChecked() throws {
        let records = try readAllRecords("a,b,c\n1,2\n,,,\n")
        #expect(records.map(\.fields.count) == [3, 2, 4])
        #expect(records[2].fields == ["", "", "", ""])
    }

    @Test func fieldsOfEveryLengthAroundTheEightByteScan() throws {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz")
        let fields = (0...20).map { String(alphabet.prefix($0)) }
        for offset in 0..<8 {
            let lead = String(repeating: "x", count: offset)
            let text = lead + "," + fields.joined(separator: ",") + "\n" + fields.reversed().joined(separator: ",")
            let records = try readAllRecords(text)
            #expect(records.map(\.fields) == [[lead] + fields, fields.reversed()], "offset \(offset)")
        }
    }

    @Test func quoteInsideUnquotedFieldIsLiteral() throws {
        #expect(try readAllRecords("ab\"c,d\"\n") == [ReadRecord(line: 1, fields: ["ab\"c", "d\""])])
    }

    @Test func textAfterClosingQuoteIsMalformed() {
        #expect(inputError { _ = try readAllRecords("h\n\"ab\"c,d\n") } == .malformedQuote(line: 2))
        #expect(inputError { _ = try readAllRecords("h\n\"a\nb\" ,d\n") } == .malformedQuote(line: 3))
        #expect(inputError { _ = try readAllRecords("\"ab\"\rx\n") } == .malformedQuote(line: 1))
    }

    @Test func unterminatedQuoteReportsTheLineWhereItOpened() {
        #expect(inputError { _ = try readAllRecords("a\n\"abc\n") } == .unterminatedQuote(line: 2))
        #expect(inputError { _ = try readAllRecords("a\n\"x\ny\",\"z\n\n") } == .unterminatedQuote(line: 3))
    }

    @Test func errorsAreSticky() throws {
        let reader = CSVReader(source: ChunkedByteSource("\"ab\"c\nok\n"))
        #expect(throws: InputError.malformedQuote(line: 1)) { try reader.next(blocking: true) }
        #expect(throws: InputError.malformedQuote(line: 1)) { try reader.next(blocking: true) }
        #expect(reader.fieldCount == 0)
    }

    @Test func emptyAndBlankInputsEndAtOnce() throws {
        for text in ["", "\n", "\r\n\n\r\n"] {
            let reader = CSVReader(source: ChunkedByteSource(text))
            #expect(try reader.next(blocking: true) == .endOfInput)
            #expect(try reader.next(blocking: true) == .endOfInput)
            #expect(reader.fieldCount == 0)
        }
    }

    @Test func stringIsNilForInvalidUTF8() throws {
        let reader = CSVReader(source: ChunkedByteSource([0x61, 0x2C, 0xFF, 0xFE, 0x0A]))
        #expect(try reader.next(blocking: true) == .record)
        #expect(reader.string(at: 0) == "a")
        #expect(reader.string(at: 1) == nil)
        #expect(reader.withField(1) { Array($0) } == [0xFF, 0xFE])
    }

    @Test func floatAndQuotedAccessors() throws {
        let reader = CSVReader(source: ChunkedByteSource("0.032258,\" 1e3 \",,abc,\"\"\n"))
        #expect(try reader.next(blocking: true) == .record)
        #expect(reader.float(at: 0) == .value(0.032258))
        #expect(reader.float(at: 1) == .value(1000))
        #expect(reader.float(at: 2) == .empty)
        #expect(reader.float(at: 3) == .nonNumeric)
        #expect(reader.float(at: 4) == .empty)
        #expect((0..<5).map { reader.isQuoted($0) } == [false, true, false, false, true])
    }

    @Test func bytesConsumedFollowsTheSource() throws {
        let reader = CSVReader(source: ChunkedByteSource("a,b\n1,2\n", chunkSize: 4), readChunkSize: 4)
        #expect(reader.bytesConsumed == 0)
        #expect(try reader.next(blocking: true) == .record)
        #expect(reader.bytesConsumed == 4)
        while try reader.next(blocking: true) == .record {}
        #expect(reader.bytesConsumed == 8)
    }
}
