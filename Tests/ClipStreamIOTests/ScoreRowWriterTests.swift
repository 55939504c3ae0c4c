import ClipStreamCore
import ClipStreamIO
import Testing

/// The writer's plain lines (no `top`, no audit) take a path of their own through reserved
/// room: it must write what the general buffered writes do, field for field.
@Suite("ScoreRowWriter")
struct ScoreRowWriterTests {
    /// The line as the general path writes it, built from OutputBuffer's public writes.
    static func expected(
        row: Int, key: String, score: Double, threshold: Double, decision: AlertDecision,
        label: String, time: String
    ) throws -> String {
        try captureOutput { out in
            out.write(row)
            out.write(",")
            out.writeField(key)
            for value in [score, threshold] {
                out.write(",")
                if Float(value).isFinite { out.write(Float(value)) } else { out.write(value) }
            }
            out.write(decision == .withheld ? "," : decision == .alert ? ",1" : ",0")
            out.write(",")
            out.writeField(label)
            out.write(",")
            out.writeField(time)
            out.write("\n")
        }
    }

    @Test(arguments: [
        ("host-1", "0", "2026-11-26T00:00:01", 1.25, 2.5, AlertDecision.normal),
        ("a,b", "he said \"hi\"", " lead", 0, 0, .withheld),
        ("\"", "a\nb", "trail ", 1e39, -3.4028235e38, .alert),
        ("é,ü", "", "", 1e-7, 123_456_789, .normal),
        (String(repeating: "k", count: 300), String(repeating: ",", count: 200), "t", 0.1, 1e-45, .alert),
    ])
    func plainLinesMatchTheGeneralWrites(
        key: String, label: String, time: String, score: Double, threshold: Double, decision: AlertDecision
    ) throws {
        let result = RowScore(
            score: score, threshold: threshold, decision: decision, pull: 0, clipThreshold: 0, clipped: false)
        let want = try Self.expected(
            row: 9_876_543_210, key: key, score: score, threshold: threshold, decision: decision,
            label: label, time: time)
        // Large enough for the reserved room, and the minimum (long lines then fall back to the
        // general path).
        for capacity in [1 << 16, OutputBuffer.minimumCapacity] {
            var writer = ScoreRowWriter(hasLabel: true, hasTime: true, explainCount: 0, audit: false, featureNames: ["x"])
            let index: Int32 = 0
            let share: Float = 0
            let got = try captureOutput(capacity: capacity) { out in
                Array(label.utf8).withUnsafeBytes { labelBytes in
                    Array(time.utf8).withUnsafeBytes { timeBytes in
                        withUnsafePointer(to: index) { indices in
                            withUnsafePointer(to: share) { shares in
                                writer.write(
                                    row: 9_876_543_210, key: key, result: result, label: labelBytes, time: timeBytes,
                                    topIndices: indices, topShares: shares, to: out)
                            }
                        }
                    }
                }
            }
            #expect(got == want)
        }
    }
}
