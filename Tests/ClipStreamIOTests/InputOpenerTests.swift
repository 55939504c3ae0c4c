import TestSupport
import ClipStreamIO
import Testing

@Suite("InputOpener")
struct InputOpenerTests {
    @Test func missingFileCannotBeOpened() {
        let error = inputError { _ = try InputOpener.open(path: "/nonexistent/clipstream/input.csv") }
        #expect(error == .cannotOpen(path: "/nonexistent/clipstream/input.csv", reason: "No such file or directory"))
        #expect(error?.exitCode == 3)
    }

    @Test func directoryCannotBeOpened() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let error = inputError { _ = try InputOpener.open(path: directory.url.path) }
        #expect(error == .cannotOpen(path: directory.url.path, reason: "is a directory"))
    }

    @Test func plainFileKeepsItsFirstBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = try directory.write("plain.csv", Array("ab,c\n1,2".utf8))
        let source = try InputOpener.open(path: path)
        #expect(!(source is GzipByteSource))
        #expect(try readAllRecords(source) == [ReadRecord(line: 1, fields: ["ab", "c"]), ReadRecord(line: 2, fields: ["1", "2"])])
        #expect(source.bytesConsumed == 8)
    }

    @Test func shortAndNearlyGzipFilesArePlain() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let one = try directory.write("one", [UInt8(ascii: "x")])
        #expect(try readAllRecords(try InputOpener.open(path: one)) == [ReadRecord(line: 1, fields: ["x"])])
        let empty = try directory.write("empty", [])
        #expect(try readAllRecords(try InputOpener.open(path: empty)) == [])
        let nearly = try directory.write("nearly", [0x1F, UInt8(ascii: "a"), UInt8(ascii: "\n")])
        #expect(try readAllRecords(try InputOpener.open(path: nearly)) == [ReadRecord(line: 1, fields: ["\u{1F}a"])])
    }
}
