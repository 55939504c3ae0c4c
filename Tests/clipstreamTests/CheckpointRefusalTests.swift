import Foundation
import TestSupport
import Testing

/// `replay --resume` with a checkpoint that does not fit the run (other options, another
/// rate), is damaged, or was edited with its checksum resealed: refused with the documented
/// code and OUTPUT untouched, or, for an edit that changes nothing, resumed as the
/// uninterrupted run. Apart from `ReplayResumeTests` so that the thread sanitizer's pass,
/// which these paths do not need, leaves them out.
@Suite("CLI: checkpoints refused on resume")
struct CheckpointRefusalTests {
    /// The fixture replayed with checkpoints every 5,000 rows and killed at row 13,500; returns
    /// the command line that resumes it.
    static func killedReplay(_ directory: TemporaryDirectory, input: String) throws -> [String] {
        let arguments = ["replay", input, "-o", directory.path("out.csv"), "--checkpoint", directory.path("ck"),
            "--checkpoint-every", "5000", "--resume", "--batch-size", "1000"] + ReplayResumeTests.options
        #expect(try ClipStreamBinary.run(arguments + ["--fault", "row:13500"]).status == 9)
        return arguments
    }

    /// The fixture's killed replay with its checkpoint's metadata changed by `edit` and the
    /// checksum resealed; resumes it and returns the result, checking that OUTPUT is untouched
    /// (refused) or, with `resumes`, that it ends as the uninterrupted run's.
    static func resumeEditedCheckpoint(
        resumes: Bool = false, _ edit: (inout [String: Any]) -> Void
    ) throws -> ClipStreamBinary.Result {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, reference) = try ReplayResumeTests.fixture(directory)
        let arguments = try killedReplay(directory, input: input)
        var checkpoint = StateBytes(bytes: try directory.read("ck/checkpoint.state"))
        var metadata = try #require(try JSONSerialization.jsonObject(with: Data(checkpoint.metadata)) as? [String: Any])
        edit(&metadata)
        checkpoint.replaceMetadata(with: Array(try JSONSerialization.data(withJSONObject: metadata)))
        try directory.write("ck/checkpoint.state", checkpoint.bytes)
        let before = try directory.read("out.csv")
        let result = try ClipStreamBinary.run(arguments)
        #expect(try directory.read("out.csv") == (resumes ? reference : before))
        return result
    }

    /// Off spelled out (`false` for `--evict-idle` and `--alerts-only`, `bad-row` for
    /// `--missing`) is off: a checkpoint edited to say so resumes under the default options
    /// (it was refused, its message naming no option).
    @Test func defaultsSpelledOutInACheckpointResume() throws {
        var recorded: [String: Any]?
        let resumed = try Self.resumeEditedCheckpoint(resumes: true) { metadata in
            recorded = metadata["output"] as? [String: Any]
            var output = recorded ?? [:]
            output["alertsOnly"] = false
            output["evictIdle"] = false
            output["missing"] = "bad-row"
            metadata["output"] = output
        }
        #expect(recorded != nil && recorded?["alertsOnly"] == nil)
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }

    /// A checkpoint whose position was edited and its checksum resealed: a negative output
    /// length trapped (132), `Int.max` rows overflowed (132), 10^18 rows skipped the rest of
    /// the input (exit 0). Refused as damaged (29), the output untouched.
    @Test(arguments: [("outputBytes", -5.0), ("dataRows", 9.2e18), ("dataRows", 1e18), ("dataRows", -1.0)])
    func aCheckpointWithAnImpossiblePositionIsRefused(field: String, value: Double) throws {
        let refused = try Self.resumeEditedCheckpoint { $0[field] = value == 9.2e18 ? Int.max : Int(value) }
        #expect(refused.status == 29, "\(field) \(value): \(refused.stderr)")
    }

    /// A checkpoint whose position sits behind its counts resumed (exit 0) and wrote the rows
    /// in between twice; one whose top rows name a negative feature trapped its summary (132).
    /// Both refused as damaged (29), the output untouched.
    @Test(arguments: ["position behind the counts", "negative feature"])
    func aCheckpointWhoseCountsContradictItIsRefused(edit: String) throws {
        var edited = false
        let refused = try Self.resumeEditedCheckpoint { metadata in
            if edit == "negative feature" {
                guard var totals = metadata["totals"] as? [String: Any], var top = totals["top"] as? [[String: Any]],
                    var features = top.first?["features"] as? [Int], !features.isEmpty
                else { return }
                features[0] = -1
                top[0]["features"] = features
                totals["top"] = top
                metadata["totals"] = totals
            } else {
                guard let rows = metadata["dataRows"] as? Int, rows > 1_000 else { return }
                metadata["dataRows"] = rows - 1_000
            }
            edited = true
        }
        #expect(edited)
        #expect(refused.status == 29, "\(edit): \(refused.stderr)")
    }

    /// A checkpoint of a newer format may record options this build would ignore (a build
    /// before format 3 resumed an `--alerts-only` run and spliced full output into it): refused.
    @Test func aCheckpointOfANewerFormatIsRefused() throws {
        var format: Int?
        let refused = try Self.resumeEditedCheckpoint { metadata in
            format = metadata["format"] as? Int
            metadata["format"] = 4
        }
        #expect(format == 3)
        #expect(refused.status == 31, "\(refused.stderr)")
        #expect(refused.stderr.contains("format 4, made by a newer clipstream"), "\(refused.stderr)")
    }

    /// A state loads under any alert rate, but a resumed OUTPUT must keep its decisions' rate.
    @Test func resumeRefusesAnotherAlertRate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, _) = try ReplayResumeTests.fixture(directory)
        let arguments = try Self.killedReplay(directory, input: input)
        let refused = try ClipStreamBinary.run(arguments + ["--alert-rate", "0.01"])
        #expect(refused.status == 31, "\(refused.stderr)")
        #expect(refused.stderr.contains("--alert-rate 0.001"), "\(refused.stderr)")
    }

    /// A checkpoint that does not fit the run is refused, and OUTPUT is left as it was.
    @Test func mismatchedCheckpointsAreRefusedWithoutTouchingTheOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, _) = try ReplayResumeTests.fixture(directory)
        let out = directory.path("out.csv")
        let base = ["replay", input, "-o", out, "--checkpoint", directory.path("ck"), "--checkpoint-every", "5000", "--resume"]
        _ = try ClipStreamBinary.run(base + ReplayResumeTests.options + ["--fault", "row:12000"])
        let before = try directory.read("out.csv")

        // Another configuration: the model state does not load.
        let otherModel = try ClipStreamBinary.run(base + ReplayResumeTests.options + ["--alpha", "0.5"])
        #expect(otherModel.status == 30)
        #expect(otherModel.stderr.contains("alpha 1.0 in the state, 0.5 here"))
        // Other output options.
        let otherOutput = try ClipStreamBinary.run(base + ReplayResumeTests.options.filter { $0 != "--audit" })
        #expect(otherOutput.status == 31)
        // Another input.
        let other = directory.path("other.csv")
        _ = try ClipStreamBinary.run(["generate", "--rows", "30000", "--keys", "9", "--dim", "6", "--seed", "9", "-o", other])
        let otherInput = try ClipStreamBinary.run(["replay", other, "-o", out, "--checkpoint", directory.path("ck"), "--resume"] + ReplayResumeTests.options)
        #expect(otherInput.status == 31)
        #expect(otherInput.stderr.contains("another input"))
        #expect(try directory.read("out.csv") == before)
        // A key limit decides which rows are scored: a resume under another would splice two
        // runs (it once did, exit 0).
        let otherLimit = try ClipStreamBinary.run(base + ReplayResumeTests.options + ["--max-keys", "4"])
        #expect(otherLimit.status == 31)
        #expect(otherLimit.stderr.contains("--max-keys"))
        // The state loads under either explanation basis, but OUTPUT's `top` column would
        // change its meaning halfway.
        let otherBasis = try ClipStreamBinary.run(base + ReplayResumeTests.options + ["--explain-by", "row"])
        #expect(otherBasis.status == 31)
        #expect(otherBasis.stderr.contains("--explain-by sustained"), "\(otherBasis.stderr)")
        // `--missing` decides which rows are scored: a resume under another splices two runs.
        let otherMissing = try ClipStreamBinary.run(base + ReplayResumeTests.options + ["--missing", "impute"])
        #expect(otherMissing.status == 31)
        #expect(otherMissing.stderr.contains("--missing"), "\(otherMissing.stderr)")
        #expect(try directory.read("out.csv") == before)
        // Another file as OUTPUT, longer than recorded (it once kept the other file's bytes
        // and appended the rest of the run to them, exit 0), and OUTPUT changed since.
        let elsewhere = try directory.write("elsewhere.csv", Array(repeating: UInt8(ascii: "x"), count: before.count + 10))
        let otherFile = try ClipStreamBinary.run(
            ["replay", input, "-o", elsewhere, "--checkpoint", directory.path("ck"), "--checkpoint-every", "5000", "--resume"]
                + ReplayResumeTests.options)
        #expect(otherFile.status == 31)
        #expect(otherFile.stderr.contains("does not hold what the run wrote"))
        #expect(try directory.read("elsewhere.csv").count == before.count + 10)
        let inspected = try ClipStreamBinary.run(["inspect-state", directory.path("ck/checkpoint.state")])
        let recorded = try #require(
            inspected.stdoutLines.first { $0.hasPrefix("checkpoint:") }.flatMap {
                Int($0.split(separator: " ").drop { $0 != "output" }.dropFirst().first ?? "")
            })
        var changed = before
        changed[recorded - 3] ^= 1
        try directory.write("out.csv", changed)
        #expect(try ClipStreamBinary.run(base + ReplayResumeTests.options).status == 31)
        try directory.write("out.csv", before)
        // An OUTPUT shorter than recorded.
        try directory.write("out.csv", Array(before.prefix(100)))
        let short = try ClipStreamBinary.run(base + ReplayResumeTests.options)
        #expect(short.status == 31)
        #expect(short.stderr.contains("shorter"))
        #expect(try directory.read("out.csv") == Array(before.prefix(100)))
    }

    /// A damaged checkpoint is refused with a clear error.
    @Test(arguments: ["truncate", "flip"])
    func damagedCheckpointsAreRefused(damage: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, _) = try ReplayResumeTests.fixture(directory)
        let base = ["replay", input, "-o", directory.path("out.csv"), "--checkpoint", directory.path("ck"),
            "--checkpoint-every", "5000", "--resume"] + ReplayResumeTests.options
        _ = try ClipStreamBinary.run(base + ["--fault", "row:12000"])
        var bytes = try directory.read("ck/checkpoint.state")
        if damage == "truncate" { bytes.removeLast(bytes.count / 3) } else { bytes[bytes.count / 2] ^= 0x10 }
        try directory.write("ck/checkpoint.state", bytes)
        let run = try ClipStreamBinary.run(base)
        #expect(run.status == 29)
        #expect(run.stderr.contains("is damaged: checksum mismatch"))
    }
}
