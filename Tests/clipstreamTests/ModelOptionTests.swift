import Foundation
import TestSupport
import Testing

/// `--model linear|logistic --target COL`: the regression models through the CLI, their
/// states, and the errors of a wrong model choice.
@Suite("CLI: models per key")
struct ModelOptionTests {
    static let options = StateAndPartitionTests.options
    static let linear = ["--model", "linear", "--target", "f0"]

    @Test func aLinearModelScoresItsTargetAndExplainsByIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (whole, _, _) = try StateAndPartitionTests.fixture(directory)
        let run = try ClipStreamBinary.run(["score", whole] + Self.linear + Self.options)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 12_001)
        // The residual belongs to the target: it is the top attribution of every scored row.
        let tops = lines.dropFirst(100).map { $0.split(separator: ",").last.map(String.init) ?? "" }
        #expect(tops.allSatisfy { $0.hasPrefix("f0:") || $0.isEmpty }, "\(tops.prefix(3))")
        #expect(tops.contains { $0.hasPrefix("f0:+1.00") } && tops.contains { $0.hasPrefix("f0:-1.00") })
        let location = try ClipStreamBinary.run(["score", whole] + Self.options)
        #expect(location.stdout != run.stdout)
    }

    @Test func aRegressionStateSavedAndLoadedEqualsOneRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (whole, first, rest) = try StateAndPartitionTests.fixture(directory)
        let state = directory.path("model.state")
        let reference = try ClipStreamBinary.run(["score", whole] + Self.linear + Self.options)
        let part1 = try ClipStreamBinary.run(
            ["score", first, "--save-state", state, "--shards", "3"] + Self.linear + Self.options)
        let part2 = try ClipStreamBinary.run(
            ["score", rest, "--load-state", state, "--shards", "1"] + Self.linear + Self.options)
        #expect(part1.status == 0 && part2.status == 0, "\(part2.stderr)")
        var joined = StateAndPartitionTests.rows(part1.stdout)
        joined.merge(StateAndPartitionTests.rows(part2.stdout, offset: 5000)) { a, _ in a }
        #expect(joined == StateAndPartitionTests.rows(reference.stdout))

        // Under another model or target the state is refused, naming the difference.
        let location = try ClipStreamBinary.run(["score", rest, "--load-state", state] + Self.options)
        #expect(location.status == 30)
        #expect(location.stderr.contains("model linear:0 in the state, location here"), "\(location.stderr)")
        let otherTarget = try ClipStreamBinary.run(
            ["score", rest, "--load-state", state, "--model", "linear", "--target", "f3"] + Self.options)
        #expect(otherTarget.status == 30)
        #expect(otherTarget.stderr.contains("model linear:0 in the state, linear:3 here"))
    }

    /// A state written before the `model`, `l2`, `redescend`, `season`, `whiten`, `run-alerts`
    /// and `explain-by` settings existed (none of their lines) reads as the location model
    /// without the redescending influence, a seasonal reference, a whitening, a cap on a run's
    /// alerts or a sustained deviation: it resumes under `--redescend 0 --whiten off
    /// --run-alerts 0 --explain-by row`, and the default refuses it, naming the differences
    /// (not `explain-by`, which a state may change on loading).
    @Test func aStateFromBeforeTheModelSettingsLoads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, rest) = try StateAndPartitionTests.fixture(directory)
        let state = directory.path("model.state")
        let older = Self.options + ["--redescend", "0", "--whiten", "off", "--run-alerts", "0", "--explain-by", "row"]
        _ = try ClipStreamBinary.run(["score", first, "--save-state", state] + older)
        let expected = try ClipStreamBinary.run(["score", rest, "--load-state", state] + older)
        #expect(expected.status == 0, "\(expected.stderr)")

        var bytes = StateBytes(bytes: try directory.read("model.state"))
        let settings = bytes.settings
        let stripped = settings.split(separator: "\n")
            .filter { line in
                ["model=", "l2=", "redescend=", "season=", "whiten=", "run-alerts=", "explain-by="].allSatisfy { !line.hasPrefix($0) }
            }
            .joined(separator: "\n")
        #expect(settings.split(separator: "\n").count == stripped.split(separator: "\n").count + 7)
        bytes.replaceSettings(with: stripped)
        try directory.write("older.state", bytes.bytes)
        let path = directory.path("older.state")
        let run = try ClipStreamBinary.run(["score", rest, "--load-state", path] + older)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == expected.stdout)
        let defaults = try ClipStreamBinary.run(["score", rest, "--load-state", path] + Self.options)
        #expect(defaults.status == 30)
        #expect(defaults.stderr.contains("redescend 0.0 in the state, 4.0 here"), "\(defaults.stderr)")
        #expect(defaults.stderr.contains("whiten off in the state, on here"), "\(defaults.stderr)")
        #expect(defaults.stderr.contains("run-alerts 0 in the state, 10 here"), "\(defaults.stderr)")
        // What explanations attribute changes no score: it never stops a state from loading.
        #expect(!defaults.stderr.contains("explain-by"), "\(defaults.stderr)")
    }

    @Test func aWrongModelChoiceIsAUsageError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (whole, _, _) = try StateAndPartitionTests.fixture(directory)
        let cases: [([String], String)] = [
            (["--model", "linear"], "--model linear needs --target COLUMN"),
            (["--target", "f2"], "--target needs --model linear or --model logistic"),
            (["--model", "logistic", "--target", "label"], "--target label is not a feature column (features: f0, f1, f2, f3, f4)"),
            (["--model", "quadratic", "--target", "f2"], "quadratic"),
            (["--model", "logistic", "--target", "f0", "--l2", "1.5"], "--l2 must be in [0, 1)"),
        ]
        for (arguments, message) in cases {
            let run = try ClipStreamBinary.run(["score", whole] + arguments + Self.options)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        let bench = try ClipStreamBinary.run(["bench", "--rows", "1000", "--model", "linear", "--target", "x1"])
        #expect(bench.status == 64)
        #expect(bench.stderr.contains("needs named columns"))
    }
}
