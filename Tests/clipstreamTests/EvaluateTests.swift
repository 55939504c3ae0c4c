import Foundation
import TestSupport
import Testing

/// `clipstream evaluate` on `EvaluateFixture`, whose metrics are worked out by hand in
/// Tests/ClipStreamEvaluationTests/EvaluationReportTests.swift (repeated briefly here).
@Suite("CLI: evaluate")
struct EvaluateTests {
    static func evaluate(_ arguments: [String], input: String) throws -> ClipStreamBinary.Result {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = try directory.write("scored.csv", Array(input.utf8))
        return try ClipStreamBinary.run(["evaluate", path] + arguments)
    }

    /// The report parsed from `--json` output.
    static func json(_ result: ClipStreamBinary.Result) throws -> [String: Any] {
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout))
        return try #require(object as? [String: Any])
    }

    static func number(_ object: [String: Any], _ path: String...) -> Double? {
        var current: Any? = object
        for name in path { current = (current as? [String: Any])?[name] }
        return (current as? NSNumber)?.doubleValue
    }

    @Test func humanReportMatchesTheHandComputation() throws {
        let result = try Self.evaluate(["--per-key"], input: EvaluateFixture.scoreOutput)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        // Pooled: ROC-AUC 227/270, AP 2279/3510, best F1 9/11 at 2, precision 4/7, recall 4/9,
        // false-alarm rate 3/15, 3 of 4 segments with delays [2, 0, 1]. Key means over A and B
        // for ranking metrics: 421/480, 201/240, 47/55; precision over A, B, C (C has a false
        // alarm): 4/9; recall 0.45; false-alarm rate 37/180; segment recall 0.75; delay 1.25.
        #expect(result.stdoutText == """
            clipstream evaluate: 24 rows, 3 keys, 9 anomalies in 4 segments, 4 abstentions
            metric                  pooled  key mean   keys
            ROC-AUC                 0.8407    0.8771      2
            PR-AUC                  0.6493    0.8375      2
            best F1                 0.8182    0.8545      2
            alert precision         0.5714    0.4444      3
            alert recall            0.4444    0.4500      2
            false-alarm rate       0.20000   0.20556      3
            segment recall          0.7500    0.7500      2
            median delay (rows)       1.00      1.25      2
            alerts 7 (4 on anomalies, 3 on normal rows); 3 of 4 segments detected; pooled best-F1 threshold 2.0
            key means: ROC-AUC, PR-AUC and best F1 over keys with both classes; the rest over keys where defined
            key        rows   anomalies     ROC-AUC      PR-AUC     best-F1   precision      recall false-alarm    segments  seg-recall   med-delay
            A            10           5      0.9000      0.8833      0.9091      0.6667      0.4000     0.20000           2      0.5000        2.00
            B            10           4      0.8542      0.7917      0.8000      0.6667      0.5000     0.16667           2      1.0000        0.50
            C             4           0         n/a         n/a         n/a      0.0000         n/a     0.25000           0         n/a         n/a

            """)
    }

    /// Any row number up to `Int.max` is read (18 digits were the limit, and a 19-digit
    /// number was refused as "not a row number"); the report does not depend on the numbers.
    @Test func aNineteenDigitRowNumberIsRead() throws {
        let input = EvaluateErrorTests.editing(line: 25) { "9223372036854775807" + $0.dropFirst(2) }
        #expect(input.contains("\n9223372036854775807,B,0.5,"))
        let result = try Self.evaluate([], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (try Self.evaluate([], input: EvaluateFixture.scoreOutput)).stdout)
    }

    @Test func jsonFieldsMatchTheHandComputation() throws {
        let report = try Self.json(Self.evaluate(["--json", "--per-key"], input: EvaluateFixture.scoreOutput))
        #expect(Self.number(report, "from_row") == 1)
        #expect(Self.number(report, "rows") == 24)
        #expect(Self.number(report, "keys") == 3)
        #expect(Self.number(report, "positives") == 9)
        #expect(Self.number(report, "abstentions") == 4)
        let pooled: [(String, Double)] = [
            ("rows", 24), ("positives", 9), ("abstentions", 4), ("roc_auc", 227.0 / 270.0),
            ("pr_auc", 2279.0 / 3510.0), ("best_f1", 9.0 / 11.0), ("best_f1_threshold", 2),
            ("alerts", 7), ("true_positives", 4), ("false_positives", 3), ("precision", 4.0 / 7.0),
            ("recall", 4.0 / 9.0), ("false_alarm_rate", 0.2), ("segments", 4), ("detected_segments", 3),
            ("segment_recall", 0.75), ("median_detection_delay", 1),
        ]
        for (name, expected) in pooled {
            #expect(isClose(Self.number(report, "pooled", name), expected), "pooled.\(name)")
        }
        // Key C has normal rows only: it is left out of the ranking means (2 keys of 3).
        let means: [(String, Double, Double)] = [
            ("roc_auc", 421.0 / 480.0, 2), ("pr_auc", 201.0 / 240.0, 2), ("best_f1", 47.0 / 55.0, 2),
            ("precision", 4.0 / 9.0, 3), ("recall", 0.45, 2), ("false_alarm_rate", 37.0 / 180.0, 3),
            ("segment_recall", 0.75, 2), ("median_detection_delay", 1.25, 2),
        ]
        for (name, mean, keys) in means {
            #expect(isClose(Self.number(report, "key_mean", name, "mean"), mean), "key_mean.\(name)")
            #expect(Self.number(report, "key_mean", name, "keys") == keys, "key_mean.\(name).keys")
        }
        let perKey = try #require(report["per_key"] as? [[String: Any]])
        #expect(perKey.map { $0["key"] as? String } == ["A", "B", "C"])
        // Key A: ROC-AUC 22.5/25; segments rows 2-5 (delay 2) and row 8 (missed).
        #expect(isClose(Self.number(perKey[0], "roc_auc"), 0.9))
        #expect(Self.number(perKey[0], "median_detection_delay") == 2)
        #expect(Self.number(perKey[0], "segment_recall") == 0.5)
        // Key B: two segments detected with delays 0 and 1, median 0.5.
        #expect(Self.number(perKey[1], "median_detection_delay") == 0.5)
        // Undefined metrics are null, never missing.
        #expect(perKey[2]["roc_auc"] is NSNull)
        #expect(perKey[2]["median_detection_delay"] is NSNull)
        #expect(perKey[2].count == perKey[0].count)
    }

    @Test func jsonOmitsPerKeyUnlessAsked() throws {
        let report = try Self.json(Self.evaluate(["--json"], input: EvaluateFixture.scoreOutput))
        #expect(report["per_key"] == nil)
        #expect(Set(report.keys) == ["from_row", "rows", "keys", "positives", "abstentions", "pooled", "key_mean"])
    }

    @Test func fromRowKeepsRowsAtOrAfterIt() throws {
        // Rows 13-24: ticks 4-9 of A and B; C has no row left. A's first segment starts at
        // row 13 now (alert on it: delay 0); A row 21 is missed; B rows 20-22: delay 1.
        // Positives 5 4 2 (A), 3 3 (B); negatives 3 1 1 (A), 0.5 1 4 0.5 (B).
        // ROC-AUC: 5 -> 7; 4 -> 6.5; 3 -> 5.5 twice; 2 -> 5: 29.5 / 35 = 59/70.
        // Alerts: TP rows 13, 15, 22; FP rows 17, 18; FN rows 20, 21: precision 3/5,
        // recall 3/5, false-alarm rate 2/7; 2 of 3 segments, delays [0, 1]: median 0.5.
        let report = try Self.json(Self.evaluate(["--json", "--from-row", "13"], input: EvaluateFixture.scoreOutput))
        let expected: [(String, Double)] = [
            ("rows", 12), ("positives", 5), ("abstentions", 0), ("roc_auc", 59.0 / 70.0),
            ("precision", 0.6), ("recall", 0.6), ("false_alarm_rate", 2.0 / 7.0), ("segments", 3),
            ("detected_segments", 2), ("median_detection_delay", 0.5),
        ]
        for (name, value) in expected {
            #expect(isClose(Self.number(report, "pooled", name), value), "pooled.\(name)")
        }
        #expect(Self.number(report, "from_row") == 13)
        #expect(Self.number(report, "keys") == 2)
    }

    @Test func labelsFileGivesTheSameReportAsTheLabelColumn() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let labelled = try directory.write("labelled.csv", Array(EvaluateFixture.scoreOutput.utf8))
        try directory.write("input.csv", Array(EvaluateFixture.labelledInput.utf8))
        let input = try directory.gzip("input.csv")
        let fromColumn = try ClipStreamBinary.run(["evaluate", labelled, "--json", "--per-key"])
        // The unlabelled output on stdin, labels from the gzipped input (true/false, a blank line).
        let joined = try ClipStreamBinary.run(
            ["evaluate", "-", "--labels", input, "--label-column", "is_anomaly", "--json", "--per-key"],
            stdin: Array(EvaluateFixture.unlabelledScoreOutput.utf8))
        #expect(joined.status == 0, "\(joined.stderr)")
        #expect(fromColumn.status == 0)
        #expect(joined.stdout == fromColumn.stdout)
    }

    @Test func labelsAreJoinedByRowNumberNotByLine() throws {
        // Only key B's lines (rows 2, 5, 8, ...): each must get its own data row's label, so the
        // result is key B's: ROC-AUC 41/48, segments rows 5-8 and 20-22 with delays 0 and 1.
        let lines = EvaluateFixture.unlabelledScoreOutput.split(separator: "\n")
        let onlyB = ([lines[0]] + lines.dropFirst().filter { $0.contains(",B,") }).joined(separator: "\n") + "\n"
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let input = try directory.write("input.csv", Array(EvaluateFixture.labelledInput.utf8))
        let report = try Self.json(
            Self.evaluate(["--json", "--labels", input, "--label-column", "is_anomaly"], input: onlyB))
        #expect(isClose(Self.number(report, "pooled", "roc_auc"), 41.0 / 48.0))
        #expect(Self.number(report, "pooled", "positives") == 4)
        #expect(Self.number(report, "pooled", "segments") == 2)
        #expect(Self.number(report, "pooled", "median_detection_delay") == 0.5)
    }

    /// The scored input as the labels file when `score --on-bad-row skip` passed over a
    /// malformed record: evaluate failed on it (exit 10) though its row is not in the output.
    /// It is counted and passed over; a malformed record that is asked for still fails.
    @Test func aLabelsFileSkipsTheBadRecordsScoreSkipped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var text = "key,label,f0\n"
        for i in 0..<300 { text += i == 5 ? "a,0,\"1\"x\n" : "a,\(i % 40 == 0 ? 1 : 0),\(i % 7 + (i % 40 == 0 ? 30 : 0))\n" }
        let input = try directory.write("input.csv", Array(text.utf8))
        let labelled = try ClipStreamBinary.run(["score", input, "--label-column", "label", "--on-bad-row", "skip"])
        let fromColumn = try ClipStreamBinary.run(["evaluate", "-", "--json"], stdin: labelled.stdout)
        let fromFile = try ClipStreamBinary.run(["evaluate", "-", "--labels", input, "--json"], stdin: labelled.stdout)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stdout == fromColumn.stdout)
        // Row 6 (the malformed one) asked for: still an error.
        let asked = try ClipStreamBinary.run(
            ["evaluate", "-", "--labels", input], stdin: Array("row,key,score,threshold,alert\n6,a,1,2,0\n".utf8))
        #expect(asked.status == 10, "\(asked.stderr)")
    }

    @Test func outputFileMatchesStandardOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let scored = try directory.write("scored.csv", Array(EvaluateFixture.scoreOutput.utf8))
        let toFile = try ClipStreamBinary.run(["evaluate", scored, "-o", directory.path("report.txt")])
        #expect(toFile.status == 0)
        #expect(toFile.stdout.isEmpty)
        #expect(try directory.read("report.txt") == ClipStreamBinary.run(["evaluate", scored]).stdout)
    }

    /// generate | score --label-column label | evaluate: the demo's stream is easy to rank.
    @Test func generatedStreamEndToEnd() throws {
        let generated = try ClipStreamBinary.run(
            ["generate", "--rows", "6000", "--keys", "3", "--dim", "6", "--seed", "11"])
        #expect(generated.status == 0)
        let scored = try ClipStreamBinary.run(
            ["score", "-", "--label-column", "label", "--shards", "2"], stdin: generated.stdout)
        #expect(scored.status == 0)
        let result = try ClipStreamBinary.run(["evaluate", "-", "--json"], stdin: scored.stdout)
        let report = try Self.json(result)
        #expect(Self.number(report, "rows") == 6000)
        #expect(Self.number(report, "keys") == 3)
        let auc = try #require(Self.number(report, "pooled", "roc_auc"))
        #expect(auc > 0.9)
        // The alert count is the number of lines score marked `1` in its alert column.
        let alerts = scored.stdoutLines.dropFirst().filter { CSVText.fields($0)[4] == "1" }.count
        #expect(Self.number(report, "pooled", "alerts") == Double(alerts))
        #expect(Self.number(report, "key_mean", "roc_auc", "keys") == 3)
    }
}
