import Foundation
import TestSupport
import Testing

/// `--mute-repeats auto|on|off` through the CLI: a wide key's habit is muted (its `alert` field
/// left empty, its score at most its threshold) and counted in the replay summary, and a state
/// resumes only under the muting it was made with.
@Suite("CLI: muted repeats")
struct MuteRepeatsOptionTests {
    /// One key of 6 columns of noise, 3,000 rows, column 2 spiking by 40 every 150th row from
    /// row 300 on (the 0-based indices of those rows come back too).
    static func fixture(_ directory: TemporaryDirectory) throws -> (path: String, spikes: [Int]) {
        var lines = ["key,a,b,c,d,e,f"]
        var state: UInt64 = 5
        var spikes: [Int] = []
        for t in 0..<3000 {
            var values = (0..<6).map { _ -> Double in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Double(state >> 11) / Double(1 << 53) - 0.5
            }
            if t >= 300 && t % 150 == 0 {
                values[2] += 40
                spikes.append(t)
            }
            lines.append("host," + values.map { "\($0)" }.joined(separator: ","))
        }
        return (try directory.write("in.csv", Array((lines.joined(separator: "\n") + "\n").utf8)), spikes)
    }

    /// `(score, threshold, alert field)` per output row.
    static func decisions(_ stdout: [UInt8]) -> [(score: Double, threshold: Double, alert: String)] {
        String(decoding: stdout, as: UTF8.self).split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return (Double(f[2])!, Double(f[3])!, String(f[4]))
        }
    }

    @Test func aWideKeysHabitIsMutedAndCounted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, spikes) = try Self.fixture(directory)
        let muted = try ClipStreamBinary.run(["score", input])
        let raised = try ClipStreamBinary.run(["score", input, "--mute-repeats", "off"])
        #expect(muted.status == 0 && raised.status == 0, "\(muted.stderr)")
        let a = Self.decisions(muted.stdout)
        let b = Self.decisions(raised.stdout)
        #expect(spikes.allSatisfy { b[$0].alert == "1" })
        // The first four spikes alert; from the fifth on the habit's count is past 3.
        #expect(spikes.prefix(4).allSatisfy { a[$0].alert == "1" })
        for t in spikes.dropFirst(4) {
            #expect(a[t].alert == "" && a[t].score <= a[t].threshold, "row \(t): \(a[t])")
        }
        for t in 0..<a.count where !spikes.contains(t) {
            #expect(a[t].alert == b[t].alert && a[t].score == b[t].score, "row \(t)")
        }

        let object = try ClipStreamBinary.replaySummary(input, in: directory)
        #expect(object?["muted"] as? Int == spikes.count - 4)
        #expect(object?["alerts"] as? Int == a.filter { $0.alert == "1" }.count)
    }

    @Test func aStateResumesOnlyUnderItsMuting() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, _) = try Self.fixture(directory)
        let state = directory.path("model.state")
        #expect(try ClipStreamBinary.run(["score", input, "--save-state", state]).status == 0)
        // 18 spikes, the last at row 2,851 (1-based), all in column 2 (feature index 2).
        let inspect = try ClipStreamBinary.run(["inspect-state", state, "--key", "host"])
        #expect(inspect.stdoutText.contains("as of row 2851; 3 or more mutes): feature 2: "), "\(inspect.stdoutText)")
        let refused = try ClipStreamBinary.run(["score", input, "--load-state", state, "--mute-repeats", "off"])
        #expect(refused.status == 30)
        #expect(refused.stderr.contains("mute-repeats on in the state, off here"), "\(refused.stderr)")
        let bad = try ClipStreamBinary.run(["score", input, "--mute-repeats", "sometimes"])
        #expect(bad.status != 0 && bad.stderr.contains("mute-repeats"), "\(bad.stderr)")
    }
}
