import ClipStreamCore
import ClipStreamEngine
import ClipStreamIO
import FuzzSupport
import Foundation

/// The model-state reader on arbitrary bytes. Half the inputs get a correct CRC-32 appended,
/// so the parser behind the checksum is reached too; the file is loaded into an engine whose
/// configuration matches the common seed (d = 3), then used to score a row.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzState(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if size % 2 == 0 {
        let crc = bytes.withUnsafeBytes { Checksum.crc32($0) }
        withUnsafeBytes(of: crc.littleEndian) { bytes += $0 }
    }
    let path = NSTemporaryDirectory() + "clipstream-fuzz-state-\(getpid())"
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        _ = try StateFile.readHeader(path)
        let engine = try ShardedEngine(configuration: Configuration(dimension: 3), shardCount: 2)
        try StateFile.load(path, into: engine)
        var batch = RowBatch(dimension: 3, capacity: 4)
        var count = 0
        try StateFile.forEachKey(in: path) { name, _ in
            if count < 4 {
                batch.append(handle: engine.handle(for: name), values: [1, 2, 3])
                count += 1
            }
        }
        engine.process(&batch)
        // A state that loads is a sound state: every score it gives is finite.
        for i in 0..<batch.count { precondition(batch.results[i].score.isFinite, "non-finite score from a loaded state") }
    } catch {}
    return 0
}

@_cdecl("FuzzState_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzState)
}
