import ClipStreamIO
import FuzzSupport

/// The CSV reader on arbitrary bytes, as `--on-bad-row skip` drives it: every record's fields
/// read as floats and strings, recoverable errors skipped, a small line limit so over-long
/// records are cheap to reach. Any crash, hang or sanitizer report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reader = CSVReader(
        source: MemoryByteSource(bytes, piece: 1 + size % 13), maxLineLength: 64, readChunkSize: 16)
    var records = 0
    while records < 10_000 {
        do {
            guard try reader.next(blocking: true) == .record else { break }
        } catch {
            guard error.isRecoverable else { break }
            var skipped = 0
            do {
                try reader.skipBadRecord { skipped += $0.count }
            } catch {
                break
            }
            continue
        }
        records += 1
        for i in 0..<reader.fieldCount {
            _ = reader.float(at: i)
            _ = reader.string(at: i)
        }
        reader.withCurrentRecordBytes { precondition($0.count > 0) }
    }
    return 0
}

@_cdecl("FuzzCSV_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzCSV)
}
