import ClipStreamEvaluation

/// A small stream of three keys whose metrics are worked out by hand in `EvaluationReportTests`.
///
/// Per key, rows in order as (label, score, decision); `-` is an abstention. Key A has two
/// segments: rows 2-5 (first alert at row 4: delay 2) and row 8 (missed). Key B has rows 1-2
/// (alert on row 1: delay 0) and rows 7-8 (alert on row 8: delay 1). Key C is normal only.
///
///     row   A           B           C
///     0     0 1.0 -     0 1.0 -     0 1.0 -
///     1     0 1.0 -     1 6.0 1     0 0.5 0
///     2     1 2.0 0     1 2.0 0     0 7.0 1
///     3     1 3.0 0     0 2.0 0     0 1.0 0
///     4     1 5.0 1     0 0.5 0
///     5     1 4.0 1     0 1.0 0
///     6     0 3.0 1     0 4.0 1
///     7     0 1.0 0     1 3.0 0
///     8     1 2.0 0     1 3.0 1
///     9     0 1.0 0     0 0.5 0
///
/// The stream interleaves them tick by tick: A0, B0, C0, A1, B1, C1, ..., A9, B9.
enum EvaluationFixture {
    typealias Row = (label: Bool, score: Double, decision: AlertDecision)

    static let a: [Row] = [
        (false, 1, .abstained), (false, 1, .abstained), (true, 2, .normal), (true, 3, .normal),
        (true, 5, .alert), (true, 4, .alert), (false, 3, .alert), (false, 1, .normal),
        (true, 2, .normal), (false, 1, .normal),
    ]
    static let b: [Row] = [
        (false, 1, .abstained), (true, 6, .alert), (true, 2, .normal), (false, 2, .normal),
        (false, 0.5, .normal), (false, 1, .normal), (false, 4, .alert), (true, 3, .normal),
        (true, 3, .alert), (false, 0.5, .normal),
    ]
    static let c: [Row] = [
        (false, 1, .abstained), (false, 0.5, .normal), (false, 7, .alert), (false, 1, .normal),
    ]

    /// The three keys interleaved tick by tick.
    static var rows: EvaluationRows {
        var rows = EvaluationRows()
        for i in 0..<10 {
            for (name, key) in [("A", a), ("B", b), ("C", c)] where i < key.count {
                rows.append(
                    key: name, score: key[i].score, isAnomaly: key[i].label, decision: key[i].decision)
            }
        }
        return rows
    }
}
