import Foundation
import TestSupport
import Testing

/// `--season auto|off|P` and `--lags auto|L` through the CLI: a narrow stream's seasonal
/// reference survives a saved state bit for bit, a state is refused under another season,
/// narrow inputs get their lags, and bad values are usage errors.
@Suite("CLI: seasonal reference")
struct SeasonOptionTests {
    /// Two univariate keys with daily-like cycles (periods 48 and 60), 3,000 rows each,
    /// interleaved; the lines after the header split at row 4,000 (after both keys chose).
    static func fixture(_ directory: TemporaryDirectory) throws -> (whole: String, first: String, rest: String) {
        var lines = ["key,value"]
        var state: UInt64 = 7
        for t in 0..<3000 {
            for (key, period) in [("a", 48.0), ("b", 60.0)] {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let noise = Double(state >> 11) / Double(1 << 53) - 0.5
                lines.append("\(key),\(10 * sin(2 * Double.pi * Double(t) / period) + noise)")
            }
        }
        let whole = try directory.write("whole.csv", Array((lines.joined(separator: "\n") + "\n").utf8))
        let first = try directory.write("first.csv", Array((lines[0...4000].joined(separator: "\n") + "\n").utf8))
        let rest = try directory.write("rest.csv", Array(([lines[0]] + lines[4001...]).joined(separator: "\n").appending("\n").utf8))
        return (whole, first, rest)
    }

    @Test func aNarrowStateResumesExactlyAndOnlyUnderItsSeason() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (whole, first, rest) = try Self.fixture(directory)
        let state = directory.path("model.state")
        let reference = try ClipStreamBinary.run(["score", whole])
        let part1 = try ClipStreamBinary.run(["score", first, "--save-state", state])
        let part2 = try ClipStreamBinary.run(["score", rest, "--load-state", state, "--shards", "3"])
        #expect(reference.status == 0 && part1.status == 0 && part2.status == 0, "\(part2.stderr)")
        var joined = StateAndPartitionTests.rows(part1.stdout)
        joined.merge(StateAndPartitionTests.rows(part2.stdout, offset: 4000)) { a, _ in a }
        #expect(joined == StateAndPartitionTests.rows(reference.stdout))
        // 2,000 rows per key: both chose their period.
        for (key, period) in [("a", 48), ("b", 60)] {
            let inspect = try ClipStreamBinary.run(["inspect-state", state, "--key", key])
            #expect(inspect.stdoutText.contains("seasonal period: \(period) rows"), "\(inspect.stdoutText)")
            // 9 model features (the row and 8 lags) whiten; past the warm-up, every row but
            // those of a re-anchoring's quiet window is learned.
            #expect(inspect.stdoutText.contains("rows learned, its factor in use"), "\(inspect.stdoutText)")
        }

        let off = try ClipStreamBinary.run(["score", whole, "--season", "off"])
        #expect(off.status == 0 && off.stdout != reference.stdout)
        let refused = try ClipStreamBinary.run(["score", rest, "--load-state", state, "--season", "off"])
        #expect(refused.status == 30)
        #expect(refused.stderr.contains("season auto in the state, off here"), "\(refused.stderr)")
    }

    /// `--lags auto` and `--score-smoothing auto` (the defaults): 8 lags and a sustained weight
    /// of 0.03 for a narrow input, no lags and 0.05 for a wide one; the state records what is
    /// in force.
    @Test func narrowInputsGetEightLagsAndALongerSustainedScoreByDefault() throws {
        let directory = try TemporaryDirectory()
        let wideDirectory = try TemporaryDirectory()
        defer {
            directory.cleanUp()
            wideDirectory.cleanUp()
        }
        let (narrow, _, _) = try Self.fixture(directory)
        let (wide, _, _) = try StateAndPartitionTests.fixture(wideDirectory)
        let wideColumns = ["--label-column", "label", "--time-column", "t"]
        let cases: [(String, [String], [String])] = [
            (narrow, [], ["lags=8", "score-smoothing=0.03"]), (narrow, ["--lags", "3"], ["lags=3"]),
            (narrow, ["--score-smoothing", "0.05"], ["score-smoothing=0.05"]),
            (wide, wideColumns, ["lags=0", "score-smoothing=0.05"]),
            (wide, wideColumns + ["--score-smoothing", "0.2"], ["score-smoothing=0.2"]),
        ]
        for (input, arguments, settings) in cases {
            let state = directory.path("lags.state")
            let run = try ClipStreamBinary.run(["score", input, "--save-state", state, "-o", directory.path("out.csv")] + arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            let inspect = try ClipStreamBinary.run(["inspect-state", state])
            for setting in settings {
                #expect(inspect.stdoutText.contains(" \(setting) "), "\(arguments): \(inspect.stdoutText)")
            }
        }
        // A narrow key's state saved under the old default (0.05) says how to load it.
        let old = directory.path("old.state")
        _ = try ClipStreamBinary.run(["score", narrow, "--score-smoothing", "0.05", "--save-state", old, "-o", directory.path("out.csv")])
        let refused = try ClipStreamBinary.run(["score", narrow, "--load-state", old, "-o", directory.path("out.csv")])
        #expect(refused.status == 30)
        #expect(refused.stderr.contains("score-smoothing 0.05 in the state, 0.03 here (pass --score-smoothing 0.05 to load it)"), "\(refused.stderr)")
        for bad in [["--lags", "many"], ["--score-smoothing", "smooth"], ["--score-smoothing", "0"]] {
            #expect(try ClipStreamBinary.run(["score", narrow] + bad).status == 64, "\(bad)")
        }
    }

    @Test func badSeasonsAreUsageErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (whole, _, _) = try Self.fixture(directory)
        let cases: [([String], String)] = [
            (["--season", "weekly"], "--season"),
            (["--season", "0"], "--season"),
            (["--season", "24", "--model", "linear", "--target", "value"], "--season must be off or auto with --model linear"),
        ]
        for (arguments, message) in cases {
            let run = try ClipStreamBinary.run(["score", whole] + arguments)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
