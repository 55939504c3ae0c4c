import Foundation

/// A fresh temporary directory for one test, removed by `cleanUp()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("clipstream-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}

struct GzipFailed: Error {}

/// Compresses `bytes` with the system's `gzip` (the test target has no zlib of its own).
func gzipCompress(_ bytes: [UInt8], in directory: TemporaryDirectory, name: String = "data") throws -> [UInt8] {
    let path = try directory.write(name, bytes)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-n", "-f", path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw GzipFailed() }
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
