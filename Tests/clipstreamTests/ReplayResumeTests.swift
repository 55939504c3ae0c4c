import Foundation
import TestSupport
import Testing

/// `replay --checkpoint DIR --resume`: a run killed with SIGKILL at any point (before the first
/// checkpoint, between checkpoints, in the middle of writing one) and resumed gives an OUTPUT
/// byte-identical to an uninterrupted run.
@Suite("CLI: replay, checkpoints and resume")
struct ReplayResumeTests {
    static let options = ["--label-column", "label", "--time-column", "t", "--explain", "2", "--audit", "--quiet"]

    /// 30,000 rows of 9 keys; the reference is `score`'s output.
    static func fixture(_ directory: TemporaryDirectory) throws -> (input: String, reference: [UInt8]) {
        let input = directory.path("input.csv")
        _ = try ClipStreamBinary.run(["generate", "--rows", "30000", "--keys", "9", "--dim", "6", "--seed", "8", "-o", input])
        let reference = try ClipStreamBinary.run(["score", input] + options.dropLast())
        #expect(reference.status == 0)
        return (input, reference.stdout)
    }

    @Test func anUninterruptedReplayWritesWhatScoreWrites() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, reference) = try Self.fixture(directory)
        let run = try ClipStreamBinary.run(
            ["replay", input, "-o", directory.path("out.csv"), "--summary", directory.path("summary.json")] + Self.options)
        #expect(run.status == 0)
        #expect(try directory.read("out.csv") == reference)
        // The summary is on stderr and in the JSON, never in OUTPUT.
        #expect(run.stderr.contains("replay: 30000 rows scored of 30000 input rows, 9 keys"))
        let summary = try JSONSerialization.jsonObject(with: Data(try directory.read("summary.json"))) as? [String: Any]
        #expect(summary?["rows"] as? Int == 30000)
        #expect(summary?["keys"] as? Int == 9)
        let alerts = reference.split(separator: UInt8(ascii: "\n")).dropFirst().filter { line in
            line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)[4] == [UInt8(ascii: "1")]
        }
        #expect(summary?["alerts"] as? Int == alerts.count)
        #expect((summary?["top_anomalies"] as? [Any])?.count == 10)
    }

    /// The summary attributes only rows that can enter its top 10; with `--explain` (every row
    /// attributed for the output) or `--report` (every row shown to the report), it must hold
    /// exactly the same anomalies, attributions and counts.
    @Test func theSummaryIsTheSameWhetherOrNotEveryRowIsAttributed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, _) = try Self.fixture(directory)
        let plain = ["--label-column", "label", "--time-column", "t", "--quiet", "--batch-size", "700"]
        var summaries: [[String: Any]] = []
        for (name, extra) in [
            ("floor", [String]()), ("explain", ["--explain", "3"]),
            ("report", ["--report", directory.path("r.html")]),
        ] {
            let run = try ClipStreamBinary.run(
                ["replay", input, "-o", directory.path("\(name).csv"), "--summary", directory.path("\(name).json")]
                    + plain + extra)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            var summary = try #require(
                JSONSerialization.jsonObject(with: Data(try directory.read("\(name).json"))) as? [String: Any])
            for timing in ["seconds", "rows_per_second"] { summary[timing] = nil }
            summaries.append(summary)
        }
        let top = try #require(summaries[0]["top_anomalies"] as? [[String: Any]])
        #expect(top.count == 10)
        // Every reported anomaly carries a real attribution (a feature with a non-zero share).
        for anomaly in top {
            let explanation = try #require(anomaly["explanation"] as? [[String: Any]], "\(anomaly)")
            #expect(explanation.contains { ($0["share"] as? Double ?? 0) != 0 }, "\(anomaly)")
        }
        let canonical = try summaries.map { try JSONSerialization.data(withJSONObject: $0, options: .sortedKeys) }
        #expect(canonical[1] == canonical[0])
        #expect(canonical[2] == canonical[0])
    }

    /// Faults at fixed points: after rows 1,000 (before the first checkpoint at 5,000),
    /// 7,000, 13,500 and 22,000, and in the middle of the 2nd and 4th checkpoint writes; each
    /// time the run is resumed from what the previous one left.
    @Test(arguments: [
        ["row:1000", "row:7000", "checkpoint:2", "row:13500", "checkpoint:4", "row:22000"],
        ["checkpoint:1", "row:29000"],
    ])
    func killedAndResumedRunsMatchTheReference(faults: [String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, reference) = try Self.fixture(directory)
        let arguments = ["replay", input, "-o", directory.path("out.csv"), "--checkpoint", directory.path("ck"),
            "--checkpoint-every", "5000", "--resume", "--batch-size", "1000"] + Self.options
        for fault in faults {
            let killed = try ClipStreamBinary.run(arguments + ["--fault", fault])
            #expect(killed.status == 9, "\(fault): status \(killed.status)")  // SIGKILL
        }
        let finished = try ClipStreamBinary.run(arguments)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try directory.read("out.csv") == reference)
        // The totals survive the kills: the summary counts every row once.
        #expect(finished.stderr.contains("30000 rows scored of 30000 input rows"))
        // A resume after completion has nothing left to do and changes nothing.
        let again = try ClipStreamBinary.run(arguments)
        #expect(again.status == 0)
        #expect(try directory.read("out.csv") == reference)
    }

    /// `-o /dev/null` (a warm-up that only saves its state) with checkpoints: the first
    /// checkpoint's fsync of the device failed (exit 20, after the whole input), and a resume
    /// would have been refused for an output shorter than recorded. The state saved after a
    /// kill and a resume is the uninterrupted run's.
    @Test func aWarmupIntoDevNullCheckpointsAndResumes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, _) = try Self.fixture(directory)
        let reference = directory.path("reference.state")
        #expect(try ClipStreamBinary.run(["replay", input, "-o", "/dev/null", "--save-state", reference] + Self.options).status == 0)
        let arguments = ["replay", input, "-o", "/dev/null", "--checkpoint", directory.path("ck"), "--checkpoint-every", "5000",
            "--resume", "--batch-size", "1000", "--save-state", directory.path("resumed.state")] + Self.options
        #expect(try ClipStreamBinary.run(arguments + ["--fault", "row:13500"]).status == 9)
        let finished = try ClipStreamBinary.run(arguments)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try directory.read("resumed.state") == directory.read("reference.state"))
    }

    /// A quarantine file deleted between the kill and the resume was cut "back" to the recorded
    /// length, that is padded with 600 kB of zero bytes (exit 0); refused now (exit 31).
    @Test func aQuarantineFileShorterThanRecordedIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, _) = try Self.fixture(directory)
        var lines = String(decoding: try directory.read("input.csv"), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for i in stride(from: 500, to: lines.count - 1, by: 1_000) { lines[i] += ",an extra field" }
        let dirty = try directory.write("dirty.csv", Array(lines.joined(separator: "\n").utf8))
        let quarantine = directory.path("bad.csv")
        let arguments = ["replay", dirty, "-o", directory.path("out.csv"), "--checkpoint", directory.path("ck"),
            "--checkpoint-every", "5000", "--resume", "--batch-size", "1000", "--on-bad-row", "quarantine:\(quarantine)"] + Self.options
        #expect(try ClipStreamBinary.run(arguments + ["--fault", "row:13500"]).status == 9)
        #expect(try directory.read("bad.csv").count > 0)
        try FileManager.default.removeItem(atPath: quarantine)
        let refused = try ClipStreamBinary.run(arguments)
        #expect(refused.status == 31, "\(refused.stderr)")
        #expect(refused.stderr.contains("quarantine file"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: quarantine))
    }

    /// A run stopped by SIGTERM quarantines the bad rows of the rows it scored, no more: the
    /// reader, parsing ahead of the scoring, had already written later batches' bad rows, so
    /// the file held rows past the stop that the summary and the checkpoint did not count.
    /// The resumed run then gives the uninterrupted run's OUTPUT and quarantine.
    @Test func aStoppedRunQuarantinesOnlyTheRowsItScored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        _ = try Self.fixture(directory)
        var lines = String(decoding: try directory.read("input.csv"), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for i in stride(from: 7, to: lines.count - 1, by: 37) { lines[i] += ",an extra field" }
        let dirty = try directory.write("dirty.csv", Array(lines.joined(separator: "\n").utf8))
        func replay(_ name: String, _ extra: [String]) throws -> ClipStreamBinary.Result {
            try ClipStreamBinary.run(
                ["replay", dirty, "-o", directory.path("\(name).csv"), "--batch-size", "256",
                 "--on-bad-row", "quarantine:\(directory.path("\(name)-bad.csv"))"] + Self.options + extra)
        }
        let stopped = try replay("out", ["--checkpoint", directory.path("ck"), "--resume", "--fault", "sigterm:8000"])
        #expect(stopped.status == 143, "\(stopped.stderr)")
        let written = String(decoding: try directory.read("out.csv"), as: UTF8.self).split(separator: "\n")
        let lastRow = try #require(written.last.flatMap { Int($0.prefix { $0 != "," }) })
        #expect(lastRow >= 8000 && lastRow < 9000)
        // Data row r is line r + 1 of the input (line 0 the header).
        let expected = (1...lastRow).filter { lines[$0].hasSuffix(",an extra field") }.map { lines[$0] + "\n" }.joined()
        #expect(String(decoding: try directory.read("out-bad.csv"), as: UTF8.self) == expected)
        let resumed = try replay("out", ["--checkpoint", directory.path("ck"), "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try replay("reference", []).status == 0)
        #expect(try directory.read("out.csv") == directory.read("reference.csv"))
        #expect(try directory.read("out-bad.csv") == directory.read("reference-bad.csv"))
    }

    /// A replay of a pipe stopped by SIGTERM does not wait for the pipe's writer: its reader,
    /// blocked on the pipe, was waited for (to cut the quarantine), so the stopped run sat
    /// until the writer sent more or closed (30 s here; a review's `timeout` SIGTERM went
    /// unheard). Pipes are left alone now; files still have their reader waited for.
    @Test func aStoppedReplayOfAPipeDoesNotWaitForItsWriter() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let fifo = directory.path("rows")
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = Array(("key,f0\n" + (0..<50).map { "k\($0 % 3),\($0)\n" }.joined()).utf8)
        let release = DispatchSemaphore(value: 0)
        let writerDone = DispatchSemaphore(value: 0)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)  // until the replay opens the other end
            _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            _ = release.wait(timeout: .now() + 30)  // the pipe stays open, quiet
            close(fd)
            writerDone.signal()
        }
        writer.start()
        let started = Date()
        let run = try ClipStreamBinary.run(["replay", fifo, "-o", directory.path("out.csv"), "--quiet", "--fault", "sigterm:1"])
        let seconds = Date().timeIntervalSince(started)
        release.signal()
        writerDone.wait()
        #expect(run.status == 143, "\(run.stderr)")
        #expect(seconds < 20, "the stopped replay waited \(seconds) s for its pipe")
        #expect(try directory.read("out.csv").count > 0)
    }

    /// An archive keeps the CSV's row numbers: a partition's archive of a few hundred bytes may
    /// be at row 800,000, which a first plausibility bound (4,096 rows a byte) refused (29).
    @Test func aSmallPartitionArchiveAtLargeRowNumbersResumes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let csv = try directory.write(
            "in.csv", Array(("key,f0\n" + String(repeating: "a,1\n", count: 800_000) + "b,1\nb,2\nb,3\nb,2\nb,1\n").utf8))
        let archive = directory.path("p.arch")
        #expect(try ClipStreamBinary.run(["convert", csv, archive, "--partitions", "2"]).status == 0)
        let small = try [0, 1].min { try directory.read("p.arch.\($0)").count < directory.read("p.arch.\($1)").count }!
        let arguments = ["replay", "\(archive).\(small)", "-o", directory.path("out.csv"), "--quiet",
            "--checkpoint", directory.path("ck"), "--checkpoint-every", "2"]
        #expect(try ClipStreamBinary.run(arguments).status == 0)
        let resumed = try ClipStreamBinary.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }

    @Test func resumeWithoutACheckpointStartsFromTheBeginning() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, reference) = try Self.fixture(directory)
        let run = try ClipStreamBinary.run(
            ["replay", input, "-o", directory.path("out.csv"), "--checkpoint", directory.path("new"), "--resume"] + Self.options)
        #expect(run.status == 0)
        #expect(try directory.read("out.csv") == reference)
    }

    /// SIGTERM ends the run at a batch boundary with a final checkpoint and status 143; the
    /// resumed run completes the same OUTPUT.
    @Test func sigtermWritesAFinalCheckpointAndExitsCleanly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = directory.path("input.csv")
        _ = try ClipStreamBinary.run(["generate", "--rows", "150000", "--keys", "20", "--dim", "6", "--seed", "3", "-o", input])
        let reference = try ClipStreamBinary.run(["score", input, "--label-column", "label"])
        let out = directory.path("out.csv")
        let arguments = ["replay", input, "-o", out, "--label-column", "label", "--checkpoint", directory.path("ck"),
            "--checkpoint-every", "1000000", "--batch-size", "512", "--quiet"]
        let process = Process()
        process.executableURL = try ClipStreamBinary.url()
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until rows are being written, then ask it to stop.
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            if size > 50_000 { break }
            usleep(2_000)
        }
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        if process.terminationStatus == 0 {
            // The run finished before the signal arrived: nothing to test on this machine.
            #expect(try directory.read("out.csv") == reference.stdout)
            return
        }
        #expect(process.terminationStatus == 143)
        #expect(FileManager.default.fileExists(atPath: directory.path("ck/checkpoint.state")))
        let resumed = try ClipStreamBinary.run(arguments + ["--resume"])
        #expect(resumed.status == 0)
        #expect(try directory.read("out.csv") == reference.stdout)
    }
}
