import ClipStreamIO

/// Errors of `clipstream evaluate` that are not plain CSV errors, each with its exit code
/// (Docs/cli.md; 24-27 follow `InputError`'s 3-23 and `OutputError`'s 19-20).
enum EvaluateError: Error, CustomStringConvertible {
    /// A label is not `0`, `1`, `true` or `false`; `file` is the `--labels` file, if it was there.
    case invalidLabel(line: Int, column: String, text: String, file: String?)
    /// A `row` or `alert` field that `score` never writes; `expected` says what it writes.
    case invalidField(line: Int, column: String, text: String, expected: String)
    /// `row` is not above the previous line's; `score` writes rows in increasing order.
    case rowOutOfOrder(line: Int, row: Int, previous: Int)
    /// Output row `row` has no data row in the `--labels` file, which has `labelRows`.
    case missingLabel(row: Int, labelRows: Int, file: String)
    /// Every row lies before `--from-row`.
    case noRowsFrom(row: Int)
    /// A CSV error in the `--labels` file (the score output's own errors are plain `InputError`s).
    case inLabelsFile(path: String, error: InputError)

    var exitCode: Int32 {
        switch self {
        case .invalidLabel: 24
        case .invalidField, .rowOutOfOrder: 25
        case .missingLabel: 26
        case .noRowsFrom: 27
        case let .inLabelsFile(_, error): error.exitCode
        }
    }

    var description: String {
        switch self {
        case let .invalidLabel(line, column, text, file):
            (file.map { "\($0.debugDescription) " } ?? "")
                + "line \(line), column \(Self.quoted(column)): invalid label \(Self.quoted(text)) "
                + "(expected 0, 1, true or false)"
        case let .invalidField(line, column, text, expected):
            "line \(line), column \(Self.quoted(column)): invalid value \(Self.quoted(text)) (expected \(expected))"
        case let .rowOutOfOrder(line, row, previous):
            "line \(line): row \(row) does not follow row \(previous) (score writes rows in increasing order)"
        case let .missingLabel(row, labelRows, file):
            "row \(row) has no label: \(file.debugDescription) has \(labelRows) data rows"
        case let .noRowsFrom(row):
            "no rows to evaluate: every row is before --from-row \(row)"
        case let .inLabelsFile(path, error):
            "\(path.debugDescription): \(error.description)"
        }
    }

    /// Input text shortened to 60 characters and quoted with escapes, so a message stays on one
    /// line (paths are quoted whole: a shortened path names no file).
    static func quoted(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(60)).debugDescription + "..." : text.debugDescription
    }
}
