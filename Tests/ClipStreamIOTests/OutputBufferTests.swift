import ClipStreamIO
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` with an ``OutputBuffer`` on a pipe, flushes, and returns what was written.
func captureOutput(capacity: Int = 1 << 16, _ body: (OutputBuffer) throws -> Void) throws -> String {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { throw OutputError.writeFailed(reason: "pipe") }
    defer { close(ends[0]) }
    let output = OutputBuffer(fileDescriptor: ends[1], capacity: capacity)
    try body(output)
    try output.flush()
    let written = output.bytesWritten
    close(ends[1])
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    #expect(bytes.count == written)
    return String(decoding: bytes, as: UTF8.self)
}

@Suite("OutputBuffer")
struct OutputBufferTests {
    @Test(arguments: [
        ("abc", "abc"), ("", ""), ("a,b", "\"a,b\""), ("he said \"hi\"", "\"he said \"\"hi\"\"\""),
        ("\"", "\"\"\"\""), ("a\nb", "\"a\nb\""), ("a\rb", "\"a\rb\""), (" lead", "\" lead\""),
        ("trail ", "\"trail \""), ("in side", "in side"), ("machine-1-2", "machine-1-2"), ("é,ü", "\"é,ü\""),
    ])
    func fieldQuoting(field: String, expected: String) throws {
        #expect(try captureOutput { $0.writeField(field) } == expected)
        let bytes = Array(field.utf8)
        #expect(try captureOutput { out in bytes.withUnsafeBytes { out.writeField(bytes: $0) } } == expected)
    }

    @Test func quotedFieldsReadBackUnchanged() throws {
        let fields = ["plain", "a,b", "q\"uo\"\"te", "line\r\nbreak", " padded ", "", "\"", "last"]
        let text = try captureOutput { out in
            for (k, field) in fields.enumerated() {
                if k > 0 { out.writeByte(UInt8(ascii: ",")) }
                out.writeField(field)
            }
            out.writeByte(UInt8(ascii: "\n"))
        }
        #expect(try readAllRecords(text) == [ReadRecord(line: 1, fields: fields)])
    }

    @Test func integers() throws {
        let values = [0, 7, -1, 42, -905, 1_000_000, Int.max, Int.min]
        let text = try captureOutput { out in
            for value in values {
                out.write(value)
                out.writeByte(UInt8(ascii: " "))
            }
        }
        #expect(text == "0 7 -1 42 -905 1000000 9223372036854775807 -9223372036854775808 ")
    }

    @Test func floatsAndDoublesUseShortestRoundTripText() throws {
        let text = try captureOutput { out in
            for value: Float in [0, -0.0, 1, 0.1, 0.032258, -2.5e-7, .greatestFiniteMagnitude, .leastNonzeroMagnitude] {
                out.write(value)
                out.writeByte(UInt8(ascii: ","))
            }
            out.write(0.1 as Double)
            out.writeByte(UInt8(ascii: ","))
            out.write(-2.2250738585072014e-308 as Double)
        }
        #expect(text == "0.0,-0.0,1.0,0.1,0.032258,-2.5e-07,3.4028235e+38,1e-45,0.1,-2.2250738585072014e-308")
        for piece in text.split(separator: ",").prefix(8) {
            let parsed = Array(piece.utf8).withUnsafeBytes { FloatParser.parse($0) }
            #expect(parsed == .value(Float(String(piece)) ?? .nan))
        }
    }

    @Test func smallBufferFlushesAutomaticallyAndCountsBytes() throws {
        var expected = ""
        let text = try captureOutput(capacity: 64) { out in
            for k in 0..<500 {
                out.write(k)
                out.write(";")
                expected += "\(k);"
                #expect(out.bytesWritten == expected.utf8.count)
            }
            let long = String(repeating: "z", count: 300)
            out.write(long)
            expected += long
        }
        #expect(text == expected)
    }

    @Test func brokenPipeIsReportedByFlush() throws {
        signal(SIGPIPE, SIG_IGN)  // so write(2) reports EPIPE instead of killing the test process
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let output = OutputBuffer(fileDescriptor: ends[1], capacity: 64)
        output.write("header\n")
        #expect(output.error == nil)
        #expect(throws: OutputError.brokenPipe) { try output.flush() }
        for k in 0..<100 { output.write(k) }  // discarded, no crash
        #expect(output.error == .brokenPipe)
        #expect(throws: OutputError.brokenPipe) { try output.flush() }
    }

    @Test func exitCodesFollowInputErrors() {
        #expect(OutputError.brokenPipe.exitCode == 19)
        #expect(OutputError.writeFailed(reason: "x").exitCode == 20)
        #expect(OutputError.brokenPipe.description == "write failed: broken pipe")
    }
}
