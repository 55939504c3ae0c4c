import ClipStreamIO
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Pipes: readiness and non-blocking records")
struct PipeReadinessTests {
    @Test func recordThenWouldBlockOnAnOpenPipe() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let readEnd = ends[0]
        let writeEnd = ends[1]
        defer { close(writeEnd) }
        let source = FileByteSource(fileDescriptor: readEnd, ownsDescriptor: true)
        let reader = CSVReader(source: source)
        #expect(!source.isReadable)

        let line = Array("t,v\n".utf8)
        #expect(line.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) } == line.count)
        #expect(source.isReadable)
        #expect(try reader.next(blocking: false) == .record)
        #expect(currentRecord(reader) == ReadRecord(line: 1, fields: ["t", "v"]))
        #expect(try reader.next(blocking: false) == .wouldBlock)
        #expect(source.bytesConsumed == 4)

        let rest = Array("1,2\n3,".utf8)
        #expect(rest.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) } == rest.count)
        #expect(try reader.next(blocking: false) == .record)
        #expect(currentRecord(reader) == ReadRecord(line: 2, fields: ["1", "2"]))
        #expect(try reader.next(blocking: false) == .wouldBlock)
    }

    @Test func closedWriterIsReadableAndEndsTheLastRecord() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let source = FileByteSource(fileDescriptor: ends[0], ownsDescriptor: true)
        let reader = CSVReader(source: source)
        let text = Array("a\nb".utf8)
        #expect(text.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) } == text.count)
        close(ends[1])
        #expect(try reader.next(blocking: false) == .record)
        #expect(try reader.next(blocking: false) == .record)
        #expect(reader.string(at: 0) == "b")
        #expect(try reader.next(blocking: false) == .endOfInput)
    }
}
