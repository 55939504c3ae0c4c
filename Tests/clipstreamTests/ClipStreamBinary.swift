import TestSupport
import Foundation
import Testing

/// Runs the built `clipstream` executable, as argument-parser's example tests do.
///
/// The binary sits in the build products directory next to this test bundle (for example
/// `.build/debug/clipstream` beside `.build/debug/ClipStreamPackageTests.xctest`); the test
/// target depends on the executable target, so `swift test` builds it first.
enum ClipStreamBinary {
    struct NotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "the clipstream executable was not found (run `swift build` first); searched:\n"
                + searched.joined(separator: "\n")
        }
    }

    /// The executable's location: each start directory and its ancestors are searched for
    /// `clipstream`, `debug/clipstream` and `release/clipstream`.
    static func url() throws -> URL {
        let starts = [
            Bundle.module.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ]
        var searched: [String] = []
        for start in starts {
            var directory = start.standardizedFileURL
            while true {
                for relative in ["clipstream", "debug/clipstream", "release/clipstream"] {
                    let candidate = directory.appendingPathComponent(relative)
                    searched.append(candidate.path)
                    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        throw NotFound(searched: searched)
    }

    /// What one run of the binary produced.
    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String

        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// Output lines, without their newlines (the output always ends with one).
        var stdoutLines: [String] {
            stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        var stderrLines: [String] {
            stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
    }

    /// Runs `clipstream arguments...` to completion (in `workingDirectory` when given).
    /// Standard input is `stdin` (or empty), and stdout and stderr go to files, so no pipe can
    /// fill up and stall the child.
    static func run(_ arguments: [String], stdin: [UInt8] = [], workingDirectory: String? = nil) throws -> Result {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let inputPath = try directory.write("stdin", stdin)
        let outputPath = try directory.write("stdout", [])
        let errorPath = try directory.write("stderr", [])
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        defer {
            try? input.close()
            try? output.close()
            try? error.close()
        }
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: try directory.read("stdout"),
            stderr: String(decoding: try directory.read("stderr"), as: UTF8.self))
    }
}

extension ClipStreamBinary {
    /// Replays `input` with the default options into `directory` and returns the `--summary`
    /// JSON object (nil if the run failed, recorded as an issue).
    static func replaySummary(_ input: String, in directory: TemporaryDirectory) throws -> [String: Any]? {
        let summary = directory.path("summary.json")
        let replay = try run(["replay", input, "-o", directory.path("out.csv"), "--summary", summary])
        guard replay.status == 0 else {
            Issue.record("replay failed: \(replay.stderr)")
            return nil
        }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any]
    }
}
