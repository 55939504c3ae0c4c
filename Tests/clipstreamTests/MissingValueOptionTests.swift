import Foundation
import TestSupport
import Testing

/// `--missing impute`: an empty or NaN feature value is imputed by the key instead of making
/// its row bad; every row is scored and written, and the values are counted.
@Suite("CLI: --missing")
struct MissingValueOptionTests {
    /// 2 keys of 6 features, 1,500 rows each; a cell in every 20th row is missing, spelled
    /// empty, `nan`, `NaN` or ` -nan `. Returns the file and how many cells are missing.
    static func input(_ directory: TemporaryDirectory) throws -> (path: String, missing: Int) {
        var random = TestRandomGenerator(seed: 7)
        var text = "key,t,a,b,c,d,e,f\n"
        var missing = 0
        for t in 0..<1_500 {
            for key in ["h1", "h2"] {
                var values = (0..<6).map { _ in String(format: "%.4f", Double.random(in: -1...1, using: &random)) }
                if t % 20 == 7 {
                    values[(t / 20) % 6] = ["", "nan", "NaN", " -nan "][(t / 20) % 4]
                    missing += 1
                }
                text += "\(key),\(t)," + values.joined(separator: ",") + "\n"
            }
        }
        return (try directory.write("in.csv", Array(text.utf8)), missing)
    }

    @Test func everyRowIsScoredAndTheMissingValuesCounted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (input, missing) = try Self.input(directory)
        let imputed = try ClipStreamBinary.run(["score", input, "--time-column", "t", "--missing", "impute", "--shards", "3"])
        #expect(imputed.status == 0, "\(imputed.stderr)")
        #expect(imputed.stdoutLines.count == 3_001)
        #expect(imputed.stderr.contains("imputed \(missing) missing values in \(missing) rows"), "\(imputed.stderr)")
        let oneShard = try ClipStreamBinary.run(["score", input, "--time-column", "t", "--missing", "impute", "--shards", "1"])
        #expect(oneShard.stdout == imputed.stdout)
        // The default keeps such a row bad.
        let strict = try ClipStreamBinary.run(["score", input, "--time-column", "t"])
        #expect(strict.status == 17 || strict.status == 16, "\(strict.stderr)")
        let skipped = try ClipStreamBinary.run(["score", input, "--time-column", "t", "--on-bad-row", "skip"])
        #expect(skipped.stdoutLines.count == 3_001 - missing)
        // replay reports the same count, in its summary and its JSON.
        let summary = directory.path("summary.json")
        let replay = try ClipStreamBinary.run(
            ["replay", input, "-o", directory.path("out.csv"), "--time-column", "t", "--missing", "impute", "--quiet",
             "--summary", summary])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(try directory.read("out.csv") == imputed.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(try directory.read("summary.json"))) as? [String: Any]
        #expect(json?["imputed_values"] as? Int == missing && json?["imputed_rows"] as? Int == missing)
    }

    @Test func anInfinityIsStillABadRowAndNarrowInputsNeedNoLagsOrSeason() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let wide = try directory.write("wide.csv", Array("key,a,b,c,d,e\nk,1,2,3,4,inf\n".utf8))
        let infinity = try ClipStreamBinary.run(["score", wide, "--missing", "impute"])
        #expect(infinity.status == 16)
        let narrow = try directory.write("narrow.csv", Array("key,a\nk,1\nk,\nk,2\nk,nan\nk,3\n".utf8))
        let refused = try ClipStreamBinary.run(["score", narrow, "--missing", "impute"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--lags 0 --season off"), "\(refused.stderr)")
        let plain = try ClipStreamBinary.run(["score", narrow, "--missing", "impute", "--lags", "0", "--season", "off"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdoutLines.count == 6)
        #expect(plain.stderr.contains("imputed 2 missing values in 2 rows"), "\(plain.stderr)")
    }
}
