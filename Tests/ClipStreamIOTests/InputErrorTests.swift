import ClipStreamIO
import Testing

@Suite("InputError")
struct InputErrorTests {
    static let oneOfEach: [InputError] = [
        .cannotOpen(path: "p", reason: "r"), .readFailed(reason: "r"), .emptyInput, .corruptGzip(reason: "r"),
        .truncatedGzip, .lineTooLong(line: 1, limit: 2), .unterminatedQuote(line: 1), .malformedQuote(line: 1),
        .wrongFieldCount(line: 1, expected: 2, found: 3), .missingColumn(name: "k"), .duplicateColumn(name: "k"),
        .emptyColumnName(index: 2), .nonNumeric(line: 1, column: "c", text: "t"),
        .nonFinite(line: 1, column: "c", text: "t"), .emptyField(line: 1, column: "c"),
        .invalidUTF8(line: 1, column: "c"), .headerOnly, .noFeatureColumns,
        .emptyKey(line: 1, column: "key"),
    ]

    @Test func eachClassHasItsOwnExitCodeInRange() {
        let codes = Self.oneOfEach.map(\.exitCode)
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { (2...30).contains($0) })
        #expect(!codes.contains(OutputError.brokenPipe.exitCode))
        #expect(!codes.contains(OutputError.writeFailed(reason: "").exitCode))
    }

    @Test func descriptionsAreSingleLines() {
        #expect(
            InputError.nonNumeric(line: 17, column: "cpu", text: "1.2.3").description
                == #"line 17, column "cpu": non-numeric value "1.2.3""#)
        #expect(
            InputError.wrongFieldCount(line: 4, expected: 40, found: 39).description
                == "line 4: expected 40 fields, found 39")
        #expect(InputError.cannotOpen(path: "x.csv", reason: "No such file or directory").description
            == #"cannot open "x.csv": No such file or directory"#)
        for error in Self.oneOfEach {
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func quotedInputTextIsEscapedAndShortened() {
        let message = InputError.nonNumeric(line: 2, column: "a\"b", text: "x\ny\t\u{1}").description
        #expect(message == #"line 2, column "a\"b": non-numeric value "x\ny\t\u{1}""#)
        let long = InputError.nonFinite(line: 3, column: "c", text: String(repeating: "9", count: 500)).description
        #expect(long.hasSuffix("\(String(repeating: "9", count: InputError.maxQuotedLength))...\""))
    }
}
