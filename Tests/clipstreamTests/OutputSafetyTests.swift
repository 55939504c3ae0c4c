import Foundation
import TestSupport
import Testing

/// An output path never destroys an input: a command refuses an output that is its input file
/// (through any path or link), and `score` leaves an existing output as it was when its input
/// cannot be opened. (`score x.csv -o x.csv` once emptied `x.csv` and exited on "empty input".)
@Suite("CLI: outputs never destroy inputs")
struct OutputSafetyTests {
    static let input = Array("key,f0\na,1\na,2\nb,3\n".utf8)

    @Test(arguments: [
        ["score", "IN", "-o", "IN"],
        ["score", "IN", "-o", "LINK"],
        ["replay", "IN", "-o", "IN"],
        ["convert", "IN", "IN"],
        ["score", "IN", "--on-bad-row", "quarantine:IN"],
        ["replay", "IN", "-o", "/dev/null", "--on-bad-row", "quarantine:LINK"],
        // `convert` once appended its bad rows to its input and left 47 bytes of it, exit 0.
        ["convert", "IN", "OUT", "--on-bad-row", "quarantine:IN"],
    ])
    func aCommandRefusesToWriteItsInput(_ template: [String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = try directory.write("in.csv", Self.input)
        try FileManager.default.createSymbolicLink(atPath: directory.path("link.csv"), withDestinationPath: path)
        let arguments = template.map {
            $0.replacingOccurrences(of: "LINK", with: directory.path("link.csv")).replacingOccurrences(of: "IN", with: path)
                .replacingOccurrences(of: "OUT", with: directory.path("out.arc"))
        }
        let run = try ClipStreamBinary.run(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains("is the input file"))
        #expect(try directory.read("in.csv") == Self.input)
    }

    /// A quarantine file that is an output: `convert` renamed its archive over the quarantined
    /// lines (exit 0, the lines lost), `score` interleaved them with its output.
    @Test(arguments: [
        ["score", "IN", "-o", "OUT", "--on-bad-row", "quarantine:OUT"],
        ["convert", "IN", "OUT", "--on-bad-row", "quarantine:OUT"],
        ["convert", "IN", "OUT", "--partitions", "2", "--on-bad-row", "quarantine:OUT.1"],
    ])
    func aQuarantineFileIsNotAnOutput(_ template: [String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = try directory.write("in.csv", Self.input + Array("a,1,2\n".utf8))
        let arguments = template.map {
            $0.replacingOccurrences(of: "OUT", with: directory.path("out")).replacingOccurrences(of: "IN", with: path)
        }
        let run = try ClipStreamBinary.run(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains("are one file"), "\(run.stderr)")
    }

    /// `--save-state` or `--report` naming the input or the output replaced it at the end of
    /// the run (exit 0: the input's rows or the scored output lost); `--summary` the same.
    @Test(arguments: [
        ["score", "IN", "-o", "/dev/null", "--save-state", "IN"],
        ["score", "IN", "-o", "/dev/null", "--report", "LINK"],
        ["replay", "IN", "-o", "/dev/null", "--summary", "IN"],
        ["score", "IN", "-o", "OUT", "--save-state", "OUT"],
        ["score", "IN", "-o", "OUT", "--report", "OUT"],
        ["score", "IN", "-o", "/dev/null", "--report", "OUT", "--save-state", "OUT"],
        ["replay", "IN", "-o", "OUT", "--summary", "OUT"],
        ["replay", "IN", "-o", "/dev/null", "--report", "OUT", "--on-bad-row", "quarantine:OUT"],
    ])
    func theStateReportAndSummaryFilesAreNotTheInputOrAnOutput(_ template: [String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = try directory.write("in.csv", Self.input)
        try FileManager.default.createSymbolicLink(atPath: directory.path("link.csv"), withDestinationPath: path)
        let kept = Array("earlier results\n".utf8)
        _ = try directory.write("out", kept)
        let arguments = template.map {
            $0 == "/dev/null" ? $0 : $0.replacingOccurrences(of: "LINK", with: directory.path("link.csv"))
                .replacingOccurrences(of: "OUT", with: directory.path("out")).replacingOccurrences(of: "IN", with: path)
        }
        let run = try ClipStreamBinary.run(arguments)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("is the input file") || run.stderr.contains("are one file"), "\(run.stderr)")
        #expect(try directory.read("in.csv") == Self.input)
        #expect(try directory.read("out") == kept)
    }

    /// `--save-state` and `--report` write beside their path and rename over it: a device or a
    /// pipe there was replaced by a plain file (as root, `--save-state /dev/null` replaced the
    /// system's /dev/null). A pipe stands in for the device here.
    @Test(arguments: ["--save-state", "--report"])
    func theStateAndReportAreNotWrittenOverAPipe(option: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("in.csv", Self.input)
        let pipe = directory.path("pipe")
        #expect(mkfifo(pipe, 0o644) == 0)
        let run = try ClipStreamBinary.run(["score", input, "-o", "/dev/null", option, pipe])
        #expect(run.status == 64)
        #expect(run.stderr.contains("not a regular file"), "\(run.stderr)")
        var status = stat()
        #expect(stat(pipe, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    }

    /// `convert` emptied OUTPUT before it read the input's header: a refused input (a missing
    /// key column) removed an existing archive. It now writes beside OUTPUT and renames, and
    /// refuses an OUTPUT that is not a regular file (the rename would replace it).
    @Test func convertLeavesAnExistingArchiveWhenItsInputIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("in.csv", Self.input)
        let archive = directory.path("keep.arch")
        #expect(try ClipStreamBinary.run(["convert", input, archive]).status == 0)
        let kept = try directory.read("keep.arch")
        let refused = try ClipStreamBinary.run(["convert", input, archive, "--key-column", "nokey"])
        #expect(refused.status == 12)
        #expect(try directory.read("keep.arch") == kept)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["in.csv", "keep.arch"])
        let pipe = directory.path("pipe")
        #expect(mkfifo(pipe, 0o644) == 0)
        #expect(try ClipStreamBinary.run(["convert", input, pipe]).status == 64)
    }

    /// The first version wrote to `OUTPUT.tmp`: `convert data.tmp data` emptied its input and
    /// removed it, and an existing `OUTPUT.tmp` was overwritten; a symbolic link was replaced by
    /// the archive instead of written through.
    @Test func convertNeverWritesOverAnotherFileAndWritesThroughALink() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("data.tmp", Self.input)
        #expect(try ClipStreamBinary.run(["convert", input, directory.path("data")]).status == 0)
        #expect(try directory.read("data.tmp") == Self.input)
        try FileManager.default.createDirectory(atPath: directory.path("real"), withIntermediateDirectories: true)
        try directory.write("real/a.arch", [])
        try FileManager.default.createSymbolicLink(atPath: directory.path("link"), withDestinationPath: directory.path("real/a.arch"))
        #expect(try ClipStreamBinary.run(["convert", input, directory.path("link")]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory.path("link")) == directory.path("real/a.arch"))
        #expect(try directory.read("real/a.arch") == directory.read("data"))
    }

    /// Two files that do not exist yet, one named through a link to the other's folder.
    @Test func filesNamedThroughALinkedFolderAreOneFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("in.csv", Self.input)
        try FileManager.default.createDirectory(atPath: directory.path("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.path("linked"), withDestinationPath: directory.path("sub"))
        let run = try ClipStreamBinary.run(["score", input, "-o", directory.path("sub/x.csv"), "--report", directory.path("linked/x.csv")])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("sub/x.csv")))
    }

    /// The output may not be the state it starts from (it would be cut before the state is
    /// read); `--save-state` may replace it, which is how a model is carried forward.
    @Test func theLoadedStateIsNotAnOutputButMayBeSavedOver() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("in.csv", Self.input)
        let state = directory.path("model.state")
        #expect(try ClipStreamBinary.run(["score", input, "-o", "/dev/null", "--save-state", state]).status == 0)
        let saved = try directory.read("model.state")
        let refused = try ClipStreamBinary.run(["score", input, "-o", state, "--load-state", state])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("is the --load-state file"), "\(refused.stderr)")
        #expect(try directory.read("model.state") == saved)
        #expect(try ClipStreamBinary.run(["score", input, "-o", "/dev/null", "--load-state", state, "--save-state", state]).status == 0)
        #expect(try directory.read("model.state") != saved)
    }

    @Test func scoreLeavesTheOutputAloneWhenItsInputCannotBeOpened() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let kept = Array("earlier results\n".utf8)
        let output = try directory.write("out.csv", kept)
        let run = try ClipStreamBinary.run(["score", directory.path("missing.csv"), "-o", output])
        #expect(run.status == 3)
        #expect(try directory.read("out.csv") == kept)
        // A run that does start replaces it.
        let input = try directory.write("in.csv", Self.input)
        #expect(try ClipStreamBinary.run(["score", input, "-o", output]).status == 0)
        #expect(String(decoding: try directory.read("out.csv"), as: UTF8.self).hasPrefix("row,key,score"))
    }

    /// `-o /dev/null` is no file to cut: Docs/replay.md warms a model up that way (it once
    /// failed with "cannot cut /dev/null").
    @Test func devNullTakesTheOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("in.csv", Self.input)
        let state = directory.path("model.state")
        #expect(try ClipStreamBinary.run(["replay", input, "-o", "/dev/null", "--quiet", "--save-state", state]).status == 0)
        #expect(FileManager.default.fileExists(atPath: state))
        #expect(try ClipStreamBinary.run(["score", input, "-o", "/dev/null", "--load-state", state]).status == 0)
        #expect(try ClipStreamBinary.run(["score", input, "-o", "/dev/null"]).status == 0)
    }

    /// An archive of no rows (a partition no key hashes to) replays to a header-only output;
    /// a header-only CSV is still an error (exit 21).
    @Test func anEmptyPartitionArchiveReplays() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("in.csv", Self.input)
        let archive = directory.path("keys.arch")
        #expect(try ClipStreamBinary.run(["convert", input, archive, "--partitions", "8"]).status == 0)
        let sizes = try (0..<8).map { try directory.read("keys.arch.\($0)").count }
        let empty = try #require(sizes.indices.min { sizes[$0] < sizes[$1] })
        let run = try ClipStreamBinary.run(["replay", "\(archive).\(empty)", "-o", directory.path("out.csv"), "--quiet"])
        #expect(run.status == 0)
        #expect(try directory.read("out.csv") == Array("row,key,score,threshold,alert\n".utf8))
        let headerOnly = try directory.write("header.csv", Array("key,f0\n".utf8))
        #expect(try ClipStreamBinary.run(["replay", headerOnly, "-o", directory.path("out.csv"), "--quiet"]).status == 21)
        // Its checkpoint and its state hold no keys, and read back (they were refused as
        // damaged, exit 29: the same command line could not be retried).
        let again = ["replay", "\(archive).\(empty)", "-o", directory.path("out.csv"), "--quiet",
                     "--checkpoint", directory.path("ck"), "--save-state", directory.path("empty.state")]
        #expect(try ClipStreamBinary.run(again).status == 0)
        let resumed = try ClipStreamBinary.run(again + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let loaded = try ClipStreamBinary.run(["score", input, "-o", "/dev/null", "--load-state", directory.path("empty.state")])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(try ClipStreamBinary.run(["inspect-state", directory.path("empty.state")]).status == 0)
    }

    /// `evaluate` reads its whole input first, so its report may replace it.
    @Test func evaluateMayWriteOverItsInput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let scored = try directory.write("scored.csv", Array("row,key,score,threshold,alert,label\n1,a,0.5,1,,0\n2,a,2,1,1,1\n".utf8))
        let run = try ClipStreamBinary.run(["evaluate", scored, "-o", scored])
        #expect(run.status == 0)
        #expect(String(decoding: try directory.read("scored.csv"), as: UTF8.self).contains("ROC-AUC"))
    }
}
