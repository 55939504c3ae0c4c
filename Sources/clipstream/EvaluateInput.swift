import ClipStreamEvaluation
import ClipStreamIO

/// Reads `clipstream score` output (`row,key,score,threshold,alert[,label]...`) into compact
/// ``EvaluationRows``.
enum ScoreOutputReader {
    /// Where the labels come from.
    enum LabelSource {
        /// The output's own `label` column (`score --label-column` echoes it).
        case outputColumn
        /// Data row N of the scored input gives output row N its label.
        case file(path: String, column: String)
    }

    /// The index of the one column of `header` named `name` (nil: a name that is not UTF-8).
    /// - Throws: ``InputError``: no such column, or two of that name (either could be meant;
    ///   `score` refuses such a header).
    static func column(_ name: String, in header: [String?]) throws(InputError) -> Int {
        guard let index = header.firstIndex(of: name) else { throw .missingColumn(name: name) }
        guard header.lastIndex(of: name) == index else { throw .duplicateColumn(name: name) }
        return index
    }

    /// The longest line read from `score`'s output. Its lines can outgrow the input's 1 MiB
    /// records: the key, label and time fields (at most 1 MiB together) double when quoted (a
    /// field of `"`), and an explanation names up to every feature of a header of up to 1 MiB
    /// (doubled the same way), about 12 bytes a feature more; a few MiB in all. With the
    /// input's limit, an input record near 1 MiB gave an output line `evaluate` refused
    /// (exit 8). The reader's buffer grows to it only for such a line.
    static let longestOutputLine = 16 << 20

    /// Reads every row of `path` whose `row` is at least `fromRow`.
    /// - Throws: ``InputError`` for the output's CSV errors, ``EvaluateError`` for its values
    ///   and for the labels file.
    static func read(path: String, fromRow: Int, labels: LabelSource) throws -> EvaluationRows {
        let reader = try InputOpener.openCSV(path: path, maxLineLength: longestOutputLine)
        let header: [String?] = try reader.readHeader()
        func position(_ name: String) throws -> Int { try column(name, in: header) }
        let (rowColumn, keyColumn, scoreColumn, alertColumn) =
            (try position("row"), try position("key"), try position("score"), try position("alert"))
        enum Labels {
            case column(Int)
            case file(LabelFileCursor)
        }
        let labelReader: Labels
        switch labels {
        case .outputColumn: labelReader = .column(try position("label"))
        case let .file(path, column): labelReader = .file(try LabelFileCursor(path: path, columnName: column))
        }

        var rows = EvaluationRows()
        var dataRows = 0
        var previousRow = 0
        while try reader.next(blocking: true) == .record {
            dataRows += 1
            let line = reader.lineNumber
            guard reader.fieldCount == header.count else {
                throw InputError.wrongFieldCount(line: line, expected: header.count, found: reader.fieldCount)
            }
            let row = try reader.withField(rowColumn) { bytes in
                guard let row = EvaluateFields.rowNumber(bytes) else {
                    throw EvaluateError.invalidField(
                        line: line, column: "row", text: EvaluateFields.text(bytes),
                        expected: "a data-row number from 1 to \(Int.max)")
                }
                return row
            }
            guard row > previousRow else {
                throw EvaluateError.rowOutOfOrder(line: line, row: row, previous: previousRow)
            }
            previousRow = row
            if row < fromRow { continue }
            guard let key = reader.string(at: keyColumn) else {
                throw InputError.invalidUTF8(line: line, column: "key")
            }
            let score = try reader.withField(scoreColumn) { bytes throws(InputError) in
                try EvaluateFields.score(bytes, line: line, column: "score")
            }
            let decision = try reader.withField(alertColumn) { bytes in
                guard let decision = EvaluateFields.decision(bytes) else {
                    throw EvaluateError.invalidField(
                        line: line, column: "alert", text: EvaluateFields.text(bytes),
                        expected: "0, 1, or empty while the decision is withheld")
                }
                return decision
            }
            let isAnomaly: Bool
            switch labelReader {
            case .file(let cursor):
                isAnomaly = try cursor.label(ofRow: row)
            case .column(let column):
                isAnomaly = try reader.withField(column) { bytes in
                    guard let label = EvaluateFields.label(bytes) else {
                        throw EvaluateError.invalidLabel(
                            line: line, column: "label", text: EvaluateFields.text(bytes), file: nil)
                    }
                    return label
                }
            }
            rows.append(key: key, score: score, isAnomaly: isAnomaly, decision: decision)
        }
        if dataRows == 0 { throw InputError.headerOnly }
        if rows.count == 0 { throw EvaluateError.noRowsFrom(row: fromRow) }
        return rows
    }
}
