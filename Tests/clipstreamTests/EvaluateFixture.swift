/// `EvaluationFixture` of the library tests (Tests/ClipStreamEvaluationTests) as `score` output:
/// keys A, B, C interleaved tick by tick, rows 1-24, hand-computed metrics in
/// `EvaluationReportTests` there and in `EvaluateTests` here.
///
///     tick  A (label score alert)   B                C
///     0     row 1:  0 1.0 -         row 2:  0 1.0 -  row 3:  0 1.0 -
///     1     row 4:  0 1.0 -         row 5:  1 6.0 1  row 6:  0 0.5 0
///     2     row 7:  1 2.0 0         row 8:  1 2.0 0  row 9:  0 7.0 1
///     3     row 10: 1 3.0 0         row 11: 0 2.0 0  row 12: 0 1.0 0
///     4     row 13: 1 5.0 1         row 14: 0 0.5 0
///     5     row 15: 1 4.0 1         row 16: 0 1.0 0
///     6     row 17: 0 3.0 1         row 18: 0 4.0 1
///     7     row 19: 0 1.0 0         row 20: 1 3.0 0
///     8     row 21: 1 2.0 0         row 22: 1 3.0 1
///     9     row 23: 0 1.0 0         row 24: 0 0.5 0
enum EvaluateFixture {
    /// (key, score, alert, label) in row order; `alert` empty while withheld.
    static let rows: [(key: String, score: String, alert: String, label: String)] = [
        ("A", "1.0", "", "0"), ("B", "1.0", "", "0"), ("C", "1.0", "", "0"),
        ("A", "1.0", "", "0"), ("B", "6.0", "1", "1"), ("C", "0.5", "0", "0"),
        ("A", "2.0", "0", "1"), ("B", "2.0", "0", "1"), ("C", "7.0", "1", "0"),
        ("A", "3.0", "0", "1"), ("B", "2.0", "0", "0"), ("C", "1.0", "0", "0"),
        ("A", "5.0", "1", "1"), ("B", "0.5", "0", "0"),
        ("A", "4.0", "1", "1"), ("B", "1.0", "0", "0"),
        ("A", "3.0", "1", "0"), ("B", "4.0", "1", "0"),
        ("A", "1.0", "0", "0"), ("B", "3.0", "0", "1"),
        ("A", "2.0", "0", "1"), ("B", "3.0", "1", "1"),
        ("A", "1.0", "0", "0"), ("B", "0.5", "0", "0"),
    ]

    /// `row,key,score,threshold,alert,label` lines, as `score --label-column` writes them.
    static var scoreOutput: String {
        "row,key,score,threshold,alert,label\n"
            + rows.enumerated().map { i, r in "\(i + 1),\(r.key),\(r.score),2.5,\(r.alert),\(r.label)\n" }.joined()
    }

    /// The same without the label column, as plain `score` writes it.
    static var unlabelledScoreOutput: String {
        "row,key,score,threshold,alert\n"
            + rows.enumerated().map { i, r in "\(i + 1),\(r.key),\(r.score),2.5,\(r.alert)\n" }.joined()
    }

    /// An input that `score` could have read: labels as `true`/`false` in `is_anomaly`, and a
    /// blank line after data row 3, which `score` skips without numbering it.
    static var labelledInput: String {
        "t,key,is_anomaly,f0\n"
            + rows.enumerated().map { i, r in
                "\(i),\(r.key),\(r.label == "1" ? "true" : "false"),0.5\n" + (i == 2 ? "\n" : "")
            }.joined()
    }
}
