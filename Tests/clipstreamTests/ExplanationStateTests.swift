import Foundation
import TestSupport
import Testing

/// A state saved under one `--explain-by` loads under the other: explanations change no score,
/// so the keys' sustained deviations are added (empty) or dropped on loading.
@Suite("CLI: a state loads under either explanation basis")
struct ExplanationStateTests {
    static let options = StateAndPartitionTests.options

    /// The output's lines without the `top` field (the last one with these options).
    static func withoutTop(_ output: String) -> [Substring] {
        output.split(separator: "\n").map { line in line[..<(line.lastIndex(of: ",") ?? line.endIndex)] }
    }

    @Test func aRowStateLoadsUnderTheSustainedBasisAndBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (whole, first, rest) = try StateAndPartitionTests.fixture(directory)
        let row = directory.path("row.state")
        let sustained = directory.path("sustained.state")
        _ = try ClipStreamBinary.run(["score", first, "--save-state", row, "--explain-by", "row"] + Self.options)
        _ = try ClipStreamBinary.run(["score", first, "--save-state", sustained] + Self.options)

        // A row state under the default: the same scores and alerts as under `row`; only the
        // explanations differ (the deviation fills from empty).
        let asRow = try ClipStreamBinary.run(["score", rest, "--load-state", row, "--explain-by", "row"] + Self.options)
        let asSustained = try ClipStreamBinary.run(["score", rest, "--load-state", row] + Self.options)
        #expect(asRow.status == 0 && asSustained.status == 0, "\(asSustained.stderr)")
        #expect(Self.withoutTop(asRow.stdoutText) == Self.withoutTop(asSustained.stdoutText))
        #expect(asRow.stdoutText != asSustained.stdoutText)

        // A sustained state under `row` drops the deviation: byte for byte a row run.
        let dropped = try ClipStreamBinary.run(["score", rest, "--load-state", sustained, "--explain-by", "row"] + Self.options)
        #expect(dropped.status == 0, "\(dropped.stderr)")
        #expect(dropped.stdoutText == asRow.stdoutText)

        // And the sustained state under the default continues the whole run exactly.
        let wholeRun = try ClipStreamBinary.run(["score", whole] + Self.options)
        let continued = try ClipStreamBinary.run(["score", rest, "--load-state", sustained] + Self.options)
        let tail = wholeRun.stdoutText.split(separator: "\n").suffix(continued.stdoutText.split(separator: "\n").count - 1)
        #expect(Array(continued.stdoutText.split(separator: "\n").dropFirst()).map { $0.drop { $0 != "," } } == tail.map { $0.drop { $0 != "," } })
    }

    @Test func aStateNamingNoBasisIsDamaged() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (_, first, rest) = try StateAndPartitionTests.fixture(directory)
        let state = directory.path("model.state")
        _ = try ClipStreamBinary.run(["score", first, "--save-state", state] + Self.options)
        var bytes = StateBytes(bytes: try directory.read("model.state"))
        #expect(bytes.settings.contains("explain-by=sustained\n"))
        // `auto` is what a run resolves, never what it records.
        bytes.replaceSettings(with: bytes.settings.replacingOccurrences(of: "explain-by=sustained\n", with: "explain-by=auto_____\n"))
        try directory.write("crafted.state", bytes.bytes)
        let run = try ClipStreamBinary.run(["score", rest, "--load-state", directory.path("crafted.state")] + Self.options)
        #expect(run.status == 29)
        #expect(run.stderr.contains("explain-by auto_____ is neither row nor sustained"), "\(run.stderr)")
    }
}
