import Foundation
import TestSupport

/// Compresses `bytes` with the system's `gzip` (the test target has no zlib of its own).
func gzipCompress(_ bytes: [UInt8], in directory: TemporaryDirectory, name: String = "data") throws -> [UInt8] {
    try directory.write(name, bytes)
    try directory.gzip(name)
    return try directory.read(name + ".gz")
}

/// A CSV of `rows` numeric rows with a header, deterministic.
func sampleCSV(rows: Int, firstRow: Int = 0) -> String {
    var text = "t,key,m0,m1\n"
    for k in firstRow..<(firstRow + rows) {
        text += "\(k),machine-\(k % 7),0.\(k % 1000),\(k * 37 % 101)\n"
    }
    return text
}
