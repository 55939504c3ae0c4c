import Foundation

/// A fresh temporary directory for one test, removed by `cleanUp()`.
public struct TemporaryDirectory {
    /// The directory.
    public let url: URL

    /// Creates a uniquely named directory under the system's temporary directory.
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("clipstream-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The bytes of `name`.
    public func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// Removes the directory and everything in it.
    public func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }

    /// `gzip` exited with a failure.
    public struct GzipFailed: Error {}

    /// Compresses `name` with the system's `gzip` (keeping the original) and returns the `.gz`
    /// path. The test targets have no zlib of their own, and an independent compressor is the
    /// better oracle anyway.
    @discardableResult
    public func gzip(_ name: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-n", "-k", "-f", path(name)]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GzipFailed() }
        return path(name + ".gz")
    }
}
