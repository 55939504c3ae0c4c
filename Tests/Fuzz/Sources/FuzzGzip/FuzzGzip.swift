import ClipStreamIO
import FuzzSupport

/// The gzip path on arbitrary bytes (prefixed with the gzip magic so most inputs reach zlib),
/// decoded into the CSV reader. Errors are expected; crashes and sanitizer reports are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes: [UInt8] = [0x1F, 0x8B] + Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let source = try GzipByteSource(wrapping: MemoryByteSource(bytes, piece: 1 + size % 29))
        let reader = CSVReader(source: source, maxLineLength: 4096, readChunkSize: 64)
        var records = 0
        while records < 10_000, try reader.next(blocking: true) == .record {
            records += 1
            for i in 0..<reader.fieldCount { _ = reader.float(at: i) }
        }
    } catch {}
    return 0
}

@_cdecl("FuzzGzip_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzGzip)
}
