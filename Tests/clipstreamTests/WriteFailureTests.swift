import Foundation
import TestSupport
import Testing

/// Commands whose report goes to standard output fail as every output does when it cannot be
/// written (`write failed`, exit 20), and never trap (`inspect-state > /dev/full` did, 132).
/// `convert` leaves no empty file behind when it refuses its input.
@Suite("CLI: standard output that cannot be written")
struct WriteFailureTests {
    /// `clipstream arguments... > /dev/full`: the exit status and stderr.
    static func intoFullDevice(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let process = Process()
        process.executableURL = try ClipStreamBinary.url()
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        let errors = try directory.write("stderr", [])
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: try directory.read("stderr"), as: UTF8.self))
    }

    @Test func inspectStateBenchGenerateAndExperimentsReportAFailedWrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("in.csv", Array("key,f0,f1\na,1,2\na,2,3\nb,3,1\n".utf8))
        let state = directory.path("model.state")
        #expect(try ClipStreamBinary.run(["score", input, "-o", "/dev/null", "--save-state", state]).status == 0)
        for arguments in [
            ["inspect-state", state], ["inspect-state", state, "--key", "a"],
            ["bench", "--dim", "4", "--keys", "2", "--threads", "1", "--rows", "100", "--windows", "1", "--json"],
            // `generate` said `Error: write failed` (exit 1); the experiments exited 0.
            ["generate", "--rows", "100"],
            ["experiment", "tracking", "--dims", "10", "--rows", "2000", "--seeds", "1"],
        ] {
            let run = try Self.intoFullDevice(arguments)
            #expect(run.status == 20, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("write failed"), "\(arguments): \(run.stderr)")
        }
    }

    /// `bench --csv` of an empty or header-only file measured "-1 data rows" and exited 0.
    @Test func benchRefusesACSVWithoutRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let empty = try directory.write("empty.csv", [])
        let headerOnly = try directory.write("header.csv", Array("key,f0\n".utf8))
        #expect(try ClipStreamBinary.run(["bench", "--csv", empty]).status == 5)
        #expect(try ClipStreamBinary.run(["bench", "--csv", headerOnly]).status == 21)
        #expect(try ClipStreamBinary.run(["bench", "--csv", headerOnly, "--json"]).status == 64)
    }

    /// A key count whose state cannot fit in memory is refused before anything is allocated
    /// (the kernel killed the run at 24 GB).
    @Test func benchRefusesAStateBeyondMemory() throws {
        let run = try ClipStreamBinary.run(["bench", "--dim", "16", "--keys", "100000000", "--threads", "1"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("GB of model state"), "\(run.stderr)")
    }

    @Test func convertLeavesNoEmptyArchiveAndNeedsAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let empty = try directory.write("empty.csv", [])
        let headerOnly = try directory.write("header.csv", Array("key,f0\n".utf8))
        #expect(try ClipStreamBinary.run(["convert", empty, directory.path("a.arc")]).status == 5)
        #expect(try ClipStreamBinary.run(["convert", headerOnly, directory.path("b.arc"), "--partitions", "2"]).status == 21)
        for name in ["a.arc", "b.arc.0", "b.arc.1"] {
            #expect(!FileManager.default.fileExists(atPath: directory.path(name)), "\(name)")
        }
        #expect(try ClipStreamBinary.run(["convert", headerOnly, "-"]).status == 64)
        #expect(!FileManager.default.fileExists(atPath: "-"))
    }
}
