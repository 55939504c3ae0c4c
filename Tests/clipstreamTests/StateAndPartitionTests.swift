import Foundation
import TestSupport
import Testing

/// `--save-state` / `--load-state` carry a model from one run to the next, and `--partition
/// I/N` splits the keys exactly: the pieces equal one run over everything.
@Suite("CLI: model state and key partitions")
struct StateAndPartitionTests {
    static let options = ["--label-column", "label", "--time-column", "t", "--explain", "2"]

    /// 12,000 rows of 7 keys, the lines after the header split at row 5,000.
    static func fixture(_ directory: TemporaryDirectory) throws -> (whole: String, first: String, rest: String) {
        let whole = directory.path("whole.csv")
        _ = try ClipStreamBinary.run(["generate", "--rows", "12000", "--keys", "7", "--dim", "5", "--seed", "6", "-o", whole])
        let lines = String(decoding: try directory.read("whole.csv"), as: UTF8.self).split(separator: "\n")
        let first = try directory.write("first.csv", Array((lines[0...5000].joined(separator: "\n") + "\n").utf8))
        let rest = try directory.write("rest.csv", Array(([lines[0]] + lines[5001...]).joined(separator: "\n").appending("\n").utf8))
        return (whole, first, rest)
    }

    /// The fixture's first part scored with `--save-state`: the state's path and its bytes, to
    /// craft damaged or inconsistent states from.
    static func savedState(_ directory: TemporaryDirectory, first: String) throws -> (path: String, bytes: StateBytes) {
        let state = directory.path("model.state")
        _ = try ClipStreamBinary.run(["score", first, "--save-state", state] + options)
        return (state, StateBytes(bytes: try directory.read("model.state")))
    }

    /// Data lines of a score output, keyed by row number.
    static func rows(_ output: [UInt8], offset: Int = 0) -> [Int: String] {
        var rows: [Int: String] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n").dropFirst() {
            let comma = line.firstIndex(of: ",")!
            let row = Int(line[..<comma])! + offset
            rows[row] = String(row) + line[comma...]
        }
        return rows
    }

    @Test func savingAndLoadingEqualsOneRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (whole, first, rest) = try Self.fixture(directory)
        let state = directory.path("model.state")
        let reference = try ClipStreamBinary.run(["score", whole] + Self.options)
        let part1 = try ClipStreamBinary.run(["score", first, "--save-state", state, "--shards", "2"] + Self.options)
        // Any shard count: the state does not depend on it.
        let part2 = try ClipStreamBinary.run(["score", rest, "--load-state", state, "--shards", "5"] + Self.options)
        #expect(part1.status == 0 && part2.status == 0, "\(part2.stderr)")
        var joined = Self.rows(part1.stdout)
        joined.merge(Self.rows(part2.stdout, offset: 5000)) { a, _ in a }
        #expect(joined == Self.rows(reference.stdout))
        let inspect = try ClipStreamBinary.run(["inspect-state", state, "--key", "host-03"])
        #expect(inspect.status == 0)
        #expect(inspect.stdoutText.contains("7 keys"))
        #expect(inspect.stdoutText.contains("rows seen: 5000"))
        #expect(inspect.stdoutText.contains("key host-03: "))
    }

    /// Bare file names in the working directory: `--save-state s` trapped in Foundation's
    /// `deletingLastPathComponent` (as did `ck`), before a row was read.
    @Test func shortBareNamesAreWrittenInTheWorkingDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, _) = try Self.fixture(directory)
        for name in ["s", "ck"] {
            let run = try ClipStreamBinary.run(
                ["score", first, "--save-state", name, "--report", name + ".html", "-o", name + ".csv"] + Self.options,
                workingDirectory: directory.url.path)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            #expect(FileManager.default.fileExists(atPath: directory.path(name)))
        }
        let replayed = try ClipStreamBinary.run(
            ["replay", first, "-o", "r.csv", "--checkpoint", "c", "--checkpoint-every", "1000", "--quiet"] + Self.options,
            workingDirectory: directory.url.path)
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path("c/checkpoint.state")))
    }

    @Test func aStateIsRefusedUnderAnotherConfigurationAndTheOutputKept() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, rest) = try Self.fixture(directory)
        let state = directory.path("model.state")
        _ = try ClipStreamBinary.run(["score", first, "--save-state", state] + Self.options)
        let out = try directory.write("out.csv", Array("keep me\n".utf8))
        let other = try ClipStreamBinary.run(["score", rest, "--load-state", state, "--horizon", "100", "-o", out] + Self.options)
        #expect(other.status == 30)
        #expect(other.stderr.contains("horizon 4096 in the state, 100 here"))
        let wider = try ClipStreamBinary.run(["score", rest, "--load-state", state, "--label-column", "label", "-o", out])
        #expect(wider.status == 30)
        #expect(wider.stderr.contains("dimension 5 in the state, 6 here"))
        #expect(try directory.read("out.csv") == Array("keep me\n".utf8))
        try directory.write("bad.state", Array("not a state at all".utf8))
        let bad = try ClipStreamBinary.run(["score", rest, "--load-state", directory.path("bad.state")] + Self.options)
        #expect(bad.status == 29)
        #expect(bad.stderr.contains("not a ClipStream state"))
        // The magic and no version: a state cut short, not another kind of file (it said
        // "wrong magic").
        let state10 = try directory.write("cut.state", Array(try directory.read("model.state").prefix(10)))
        let cut = try ClipStreamBinary.run(["inspect-state", state10])
        #expect(cut.status == 29)
        #expect(cut.stderr.contains("ends early"), "\(cut.stderr)")
    }

    /// A state whose checksum is right but whose numbers no model can hold (a NaN location)
    /// is refused before any key is created: a crafted file cannot poison a model.
    @Test func aStateWithImpossibleValuesIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, rest) = try Self.fixture(directory)
        let state = directory.path("model.state")
        _ = try ClipStreamBinary.run(["score", first, "--save-state", state] + Self.options)
        var bytes = StateBytes(bytes: try directory.read("model.state"))
        // The first key's first location value follows its 88 bytes of scalars.
        bytes.setUInt32(Float.nan.bitPattern, at: bytes.firstKeyScalarsOffset + 88)
        bytes.resealChecksum()
        try directory.write("model.state", bytes.bytes)
        let run = try ClipStreamBinary.run(["score", rest, "--load-state", state] + Self.options)
        #expect(run.status == 29)
        #expect(run.stderr.contains("holds values no model can have"))
        // `inspect-state` refuses what the loader refuses (it printed the NaN, exit 0).
        let inspected = try ClipStreamBinary.run(["inspect-state", state])
        #expect(inspected.status == 29)
        #expect(inspected.stderr.contains("holds values no model can have"), "\(inspected.stderr)")
    }

    /// A key count below the key records dropped the last keys without a word, and bytes after
    /// the last key were ignored (both with the checksum resealed): refused as damaged, by the
    /// loader and by `inspect-state` (exit 29).
    @Test(arguments: ["one key fewer", "bytes after the keys"])
    func aStateWhoseKeysDoNotFillItIsRefused(edit: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, rest) = try Self.fixture(directory)
        let saved = try Self.savedState(directory, first: first)
        let state = saved.path
        var bytes = saved.bytes
        // The key count is a `UInt64` after the values-per-key count.
        let countOffset = bytes.valuesPerKeyOffset + 4
        let keys = bytes.uint32(at: countOffset)
        #expect(keys >= 2)
        if edit == "one key fewer" {
            bytes.setUInt32(UInt32(keys - 1), at: countOffset)
        } else {
            bytes.bytes.insert(contentsOf: Array("garbage".utf8), at: bytes.bytes.count - 4)
        }
        bytes.resealChecksum()
        try directory.write("model.state", bytes.bytes)
        let run = try ClipStreamBinary.run(["score", rest, "--load-state", state] + Self.options)
        #expect(run.status == 29, "\(edit): \(run.stderr)")
        #expect(run.stderr.contains("bytes follow its"), "\(run.stderr)")
        let inspected = try ClipStreamBinary.run(["inspect-state", state])
        #expect(inspected.status == 29, "\(edit): \(inspected.stderr)")
    }

    /// A garbled `explain-by` setting (checksum resealed) was refused by `--load-state` but
    /// printed by `inspect-state` (exit 0); both refuse it now.
    @Test func inspectStateRefusesAGarbledExplanationBasis() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, _) = try Self.fixture(directory)
        let saved = try Self.savedState(directory, first: first)
        let state = saved.path
        var bytes = saved.bytes
        let settings = bytes.settings
        #expect(settings.contains("explain-by="))
        let garbled = settings.split(separator: "\n").map { $0.hasPrefix("explain-by=") ? "explain-by=rox" : String($0) }
        bytes.replaceSettings(with: garbled.joined(separator: "\n"))
        try directory.write("model.state", bytes.bytes)
        let inspected = try ClipStreamBinary.run(["inspect-state", state])
        #expect(inspected.status == 29)
        #expect(inspected.stderr.contains("explain-by rox is neither row nor sustained"), "\(inspected.stderr)")
    }

    /// A crafted state passes its checksum with any value: `inspect-state` refuses it without
    /// trapping (a row count near `Int.max` once overflowed the sum of rows), as it refuses a
    /// header asking for more values than the file holds (one asked for 4 GB).
    @Test func inspectStateSurvivesACraftedState() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, _) = try Self.fixture(directory)
        let state = directory.path("model.state")
        _ = try ClipStreamBinary.run(["score", first, "--save-state", state] + Self.options)
        let original = StateBytes(bytes: try directory.read("model.state"))

        var huge = original
        huge.setUInt32(UInt32.max >> 1, at: original.valuesPerKeyOffset)
        huge.resealChecksum()
        try directory.write("model.state", huge.bytes)
        let refused = try ClipStreamBinary.run(["inspect-state", state])
        #expect(refused.status == 29)
        #expect(refused.stderr.contains("do not fit"))

        var overflowing = original
        let rowCount = original.firstKeyScalarsOffset
        overflowing.setUInt32(UInt32.max, at: rowCount)
        overflowing.setUInt32(UInt32.max >> 1, at: rowCount + 4)  // Int64.max rows
        overflowing.resealChecksum()
        try directory.write("model.state", overflowing.bytes)
        let inspected = try ClipStreamBinary.run(["inspect-state", state])
        #expect(inspected.status == 29)
        #expect(inspected.stderr.contains("holds values no model can have"), "\(inspected.stderr)")
    }

    /// Settings edited (the checksum resealed) so that they no longer describe the values: a
    /// huge period overflowed the block offsets (132), another width or lag count printed the
    /// values under the wrong names (exit 0). Refused as `--load-state` would (29).
    @Test(arguments: [("season=off", "season=4611686018427387904"), ("dimension=", "dimension=1"), ("lags=0", "lags=3")])
    func inspectStateRefusesSettingsThatDoNotDescribeTheValues(setting: String, replacement: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, _) = try Self.fixture(directory)
        var (state, crafted) = try Self.savedState(directory, first: first)
        let lines = crafted.settings.split(separator: "\n").map { line in
            line.hasPrefix(setting) ? (setting.hasSuffix("=") ? replacement : String(line).replacingOccurrences(of: setting, with: replacement)) : String(line)
        }
        #expect(lines.joined(separator: "\n") != crafted.settings)
        crafted.replaceSettings(with: lines.joined(separator: "\n"))
        try directory.write("model.state", crafted.bytes)
        let run = try ClipStreamBinary.run(["inspect-state", state, "--key", "host-00"])
        #expect(run.status == 29, "\(run.stderr)")
        #expect(run.stderr.contains("do not describe"), "\(run.stderr)")
    }

    /// A calibration weight beyond what the history's rescaling lets it reach (finite, so it
    /// passed): the next calibrated score was infinite and `score` trapped in its writer (132).
    @Test func aCalibrationWeightNoHistoryReachesIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, _) = try Self.fixture(directory)
        var (state, crafted) = try Self.savedState(directory, first: first)
        // rowCount and scheduleRow (Int64), then clipLevel, scoreLower, scoreUpper,
        // sustainedScore, calibrationMass and calibrationWeight (Float64): the weight.
        crafted.setFloat64(1e39, at: crafted.firstKeyScalarsOffset + 16 + 5 * 8)
        crafted.resealChecksum()
        try directory.write("model.state", crafted.bytes)
        let run = try ClipStreamBinary.run(["score", first, "--load-state", state] + Self.options)
        #expect(run.status == 29, "\(run.stderr)")
        #expect(run.stderr.contains("holds values no model can have"), "\(run.stderr)")
    }

    /// The alert rate sets only how far each key's threshold extends its tracked quantiles: a
    /// state loads under another one (it was refused, exit 30: tuning meant re-learning the
    /// history), and the same rows then alert more often at a higher rate.
    @Test func aStateLoadsUnderAnotherAlertRate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = directory.path("in.csv")
        _ = try ClipStreamBinary.run(["generate", "--rows", "20000", "--keys", "4", "--dim", "6", "--seed", "4", "-o", input])
        let state = directory.path("model.state")
        let options = ["--label-column", "label", "--time-column", "t"]
        #expect(try ClipStreamBinary.run(["score", input, "-o", "/dev/null", "--save-state", state] + options).status == 0)
        func alerts(_ rate: String) throws -> Int {
            let run = try ClipStreamBinary.run(["score", input, "--load-state", state, "--alert-rate", rate] + options)
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdoutLines.filter { $0.split(separator: ",")[4] == "1" }.count
        }
        #expect(try Double(alerts("0.01")) > 1.3 * Double(alerts("0.001")))  // 151 against 97
        let refused = try ClipStreamBinary.run(["score", input, "--load-state", state, "--horizon", "1024"] + options)
        #expect(refused.status == 30)
    }

    /// A regression key's schedule row of 0 (sound by the checks; a key idle since its start
    /// no longer advances it) reached the schedule's `n >= 1` precondition (exit 132).
    @Test func aRegressionStateAtScheduleRowZeroLoads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("in.csv", Array(("key,x,y\n" + String(repeating: "k,1,5\n", count: 10) + "k,2,7\n").utf8))
        let state = directory.path("model.state")
        let options = ["--model", "linear", "--target", "y", "-o", "/dev/null"]
        #expect(try ClipStreamBinary.run(["score", input, "--save-state", state] + options).status == 0)
        var crafted = StateBytes(bytes: try directory.read("model.state"))
        crafted.setUInt32(0, at: crafted.firstKeyScalarsOffset + 8)  // scheduleRow, Int64
        crafted.setUInt32(0, at: crafted.firstKeyScalarsOffset + 12)
        crafted.resealChecksum()
        try directory.write("model.state", crafted.bytes)
        let run = try ClipStreamBinary.run(["score", input, "--load-state", state] + options)
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test(arguments: [1, 2, 3])
    func partitionsMergedByRowEqualOneRun(count: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (whole, _, _) = try Self.fixture(directory)
        let reference = try ClipStreamBinary.run(["score", whole] + Self.options)
        var merged: [Int: String] = [:]
        var sizes: [Int] = []
        for index in 0..<count {
            let part = try ClipStreamBinary.run(["score", whole, "--partition", "\(index)/\(count)"] + Self.options)
            #expect(part.status == 0)
            let rows = Self.rows(part.stdout)
            sizes.append(rows.count)
            merged.merge(rows) { _, _ in Issue.record("a row in two partitions"); return "" }
        }
        #expect(merged == Self.rows(reference.stdout))
        if count > 1 { #expect(sizes.allSatisfy { $0 > 0 && $0 < 12000 }) }
    }

    /// A partition's state records its partition: loaded under another one (or none) it started
    /// the run's own keys afresh and carried the others along, silently (24,322 of 24,322 rows
    /// differed in a review's run). A state of every key seeds each partition with its own keys.
    @Test func aPartitionsStateLoadsOnlyIntoItsPartitionAndAWholeStateSeedsEach() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, rest) = try Self.fixture(directory)
        let partState = directory.path("part.state")
        _ = try ClipStreamBinary.run(["score", first, "--partition", "1/2", "--save-state", partState] + Self.options)
        #expect(try ClipStreamBinary.run(["inspect-state", partState]).stdoutText.contains("partition: 1/2"))
        let other = try ClipStreamBinary.run(["score", rest, "--partition", "0/2", "--load-state", partState] + Self.options)
        #expect(other.status == 30)
        #expect(other.stderr.contains("it holds the keys of partition 1/2, partition 0/2 here"), "\(other.stderr)")
        let none = try ClipStreamBinary.run(["score", rest, "--load-state", partState] + Self.options)
        #expect(none.status == 30)
        #expect(none.stderr.contains("pass --partition 1/2"), "\(none.stderr)")

        let wholeState = directory.path("whole.state")
        _ = try ClipStreamBinary.run(["score", first, "--save-state", wholeState] + Self.options)
        #expect(try ClipStreamBinary.run(["inspect-state", wholeState]).stdoutText.contains("partition: none (every key it saw)"))
        let reference = try ClipStreamBinary.run(["score", rest, "--load-state", wholeState] + Self.options)
        var merged: [Int: String] = [:]
        var keys = 0
        for index in 0..<2 {
            let saved = directory.path("seeded-\(index).state")
            let part = try ClipStreamBinary.run(
                ["score", rest, "--partition", "\(index)/2", "--load-state", wholeState, "--save-state", saved] + Self.options)
            #expect(part.status == 0, "\(part.stderr)")
            merged.merge(Self.rows(part.stdout)) { _, _ in Issue.record("a row in two partitions"); return "" }
            let inspected = try ClipStreamBinary.run(["inspect-state", saved]).stdoutText
            let words = inspected.split(separator: " ")
            let count = words.firstIndex(of: "keys,").flatMap { Int(words[$0 - 1]) } ?? 0
            keys += count
            #expect(count < 7, "\(inspected)")
        }
        #expect(keys == 7)
        #expect(merged == Self.rows(reference.stdout))
        // The partition's own state continues it.
        let again = try ClipStreamBinary.run(["score", rest, "--partition", "1/2", "--load-state", partState] + Self.options)
        #expect(again.status == 0, "\(again.stderr)")
        // A state whose metadata is neither a saved state's nor a checkpoint's is refused, not
        // read as "every key".
        var crafted = StateBytes(bytes: try directory.read("part.state"))
        crafted.replaceMetadata(with: Array(#"{"partition":3}"#.utf8))
        let craftedPath = try directory.write("crafted.state", crafted.bytes)
        let refused = try ClipStreamBinary.run(["score", rest, "--partition", "1/2", "--load-state", craftedPath] + Self.options)
        #expect(refused.status == 29)
        #expect(refused.stderr.contains("neither a checkpoint's nor a saved state's"), "\(refused.stderr)")
    }

    /// A partition's archive (`convert --partitions`) does not know its partition, so a state
    /// saved from it records none: loaded into another partition it seeds no key, and says so.
    @Test func aStateOfAnotherPartitionsArchiveSaysItSeedsNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, rest) = try Self.fixture(directory)
        let archive = directory.path("first")
        let columns = ["--label-column", "label", "--time-column", "t"]
        #expect(try ClipStreamBinary.run(["convert", first, archive, "--partitions", "2"] + columns).status == 0)
        let state = directory.path("archive0.state")
        let replayed = try ClipStreamBinary.run(
            ["replay", archive + ".0", "-o", directory.path("r0.csv"), "--save-state", state, "--quiet"] + Self.options)
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let other = try ClipStreamBinary.run(["score", rest, "--partition", "1/2", "--load-state", state] + Self.options)
        #expect(other.status == 0)
        #expect(other.stderr.contains("none of partition 1/2: every key starts afresh"), "\(other.stderr)")
        let own = try ClipStreamBinary.run(["score", rest, "--partition", "0/2", "--load-state", state] + Self.options)
        #expect(own.status == 0 && !own.stderr.contains("note:"), "\(own.stderr)")
    }

    @Test func thePartitionIndexCanComeFromTheScheduler() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (whole, _, _) = try Self.fixture(directory)
        let explicit = try ClipStreamBinary.run(["score", whole, "--partition", "1/3"] + Self.options)
        setenv("SLURM_ARRAY_TASK_ID", "1", 1)
        defer { unsetenv("SLURM_ARRAY_TASK_ID") }
        let fromEnvironment = try ClipStreamBinary.run(["score", whole, "--partition", "env/3"] + Self.options)
        #expect(fromEnvironment.status == 0)
        #expect(fromEnvironment.stdout == explicit.stdout)
        let bad = try ClipStreamBinary.run(["score", whole, "--partition", "3/3"])
        #expect(bad.status == 64)
        // A Slurm array numbered from 1 reaches N/N: the error names the variable. An empty
        // JOB_COMPLETION_INDEX no longer hides SLURM_ARRAY_TASK_ID.
        setenv("SLURM_ARRAY_TASK_ID", "3", 1)
        setenv("JOB_COMPLETION_INDEX", "", 1)
        defer { unsetenv("JOB_COMPLETION_INDEX") }
        let last = try ClipStreamBinary.run(["score", whole, "--partition", "env/3"])
        #expect(last.status == 64)
        #expect(last.stderr.contains("got 3/3 (I from SLURM_ARRAY_TASK_ID=3: the tasks must be numbered 0 to 2)"), "\(last.stderr)")
        // A bad N is not blamed on I.
        let badCount = try ClipStreamBinary.run(["score", whole, "--partition", "env/x"])
        #expect(badCount.status == 64 && !badCount.stderr.contains("I from"), "\(badCount.stderr)")
    }
}

/// `Scripts/replay-partitioned.sh` runs the partitions with GNU parallel and merges them.
@Suite("Scripts: replay-partitioned.sh")
struct ReplayPartitionedScriptTests {
    /// Runs the script with `arguments` after `--bin`; its exit status.
    static func script(_ arguments: [String]) throws -> Int32 {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repository.appendingPathComponent("Scripts/replay-partitioned.sh").path,
            "--bin", try ClipStreamBinary.url().path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Paths with spaces reach every partition whole (they were split into words once).
    @Test func threePartitionsMergeIntoTheSingleReplaysBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = directory.path("the input.csv")
        _ = try ClipStreamBinary.run(["generate", "--rows", "9000", "--keys", "11", "--dim", "4", "--seed", "2", "-o", input])
        let options = ["--label-column", "label", "--explain", "1", "--shards", "2"]
        let single = try ClipStreamBinary.run(["replay", input, "-o", directory.path("single.csv"), "--quiet"] + options)
        #expect(single.status == 0)
        #expect(try Self.script(["-n", "3", input, directory.path("the merged.csv")] + options) == 0)
        #expect(try directory.read("the merged.csv") == directory.read("single.csv"))
    }

    /// `-n 0` or `-n abc` ran no partition and then emptied an existing OUTPUT (a review's
    /// 64 MB file); now refused before anything runs, and a merge is renamed into place.
    @Test(arguments: ["0", "abc", "-2"])
    func aBadPartitionCountLeavesAnExistingOutputAsItWas(count: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("input.csv", Array("key,f0\na,1\nb,2\n".utf8))
        let output = try directory.write("kept.csv", Array("keep me\n".utf8))
        #expect(try Self.script(["-n", count, input, output]) == 64)
        #expect(try directory.read("kept.csv") == Array("keep me\n".utf8))
    }

    /// `--save-state` and `--report` among the replay options: one file per partition (every
    /// partition wrote the same path, and only the last one's state was left), each state
    /// recording its partition.
    @Test func statesAndReportsGetOneFilePerPartition() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = directory.path("input.csv")
        _ = try ClipStreamBinary.run(["generate", "--rows", "3000", "--keys", "5", "--dim", "3", "--seed", "2", "-o", input])
        let options = ["--label-column", "label", "--time-column", "t"]
        #expect(try Self.script(
            ["-n", "2", input, directory.path("out.csv")] + options
                + ["--save-state", directory.path("model.state"), "--report=" + directory.path("report")]) == 0)
        for index in 0..<2 {
            let state = directory.path("model-part\(index).state")
            #expect(try ClipStreamBinary.run(["inspect-state", state]).stdoutText.contains("partition: \(index)/2"))
            #expect(FileManager.default.fileExists(atPath: directory.path("report-part\(index)")))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("model.state")))
    }

    /// The merge goes through a symbolic link onto its target (a first version of the renamed
    /// merge replaced the link), and an OUTPUT that is a directory is refused.
    @Test func aLinkedOutputGetsTheMergeAndADirectoryIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("input.csv", Array("key,f0\na,1\nb,2\n".utf8))
        let target = try directory.write("target.csv", Array("old\n".utf8))
        let link = directory.path("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try Self.script(["-n", "2", input, link]) == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(String(decoding: try directory.read("target.csv"), as: UTF8.self).hasPrefix("row,key,score"))
        try FileManager.default.createDirectory(atPath: directory.path("out"), withIntermediateDirectories: false)
        #expect(try Self.script(["-n", "2", input, directory.path("out")]) == 64)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path("out")).isEmpty)
    }

    /// A key holding a line break is written on two lines, which a merge by lines would split:
    /// the script stops before merging (exit 65) and keeps the parts.
    @Test func aKeyWithALineBreakIsNotMergedByLines() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var text = "key,f0\n"
        for i in 0..<600 { text += (i % 3 == 0 ? "\"rack\n9999\"" : "host-\(i % 3)") + ",\(Double(i % 7) * 0.5)\n" }
        let input = try directory.write("input.csv", Array(text.utf8))
        #expect(try Self.script(["-n", "2", input, directory.path("merged.csv")]) == 65)
        #expect(!FileManager.default.fileExists(atPath: directory.path("merged.csv")))
        #expect(FileManager.default.fileExists(atPath: directory.path("merged.csv.parts/part-1.csv")))
    }
}
