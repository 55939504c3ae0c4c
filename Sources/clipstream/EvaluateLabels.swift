import ClipStreamIO

/// `evaluate --labels FILE`: the labels of the input that was scored, read in step with the
/// score output.
///
/// `score` numbers its output rows by data row of its input (header excluded, blank lines
/// skipped, by the same `CSVReader`), in increasing order, so output row N's label is found by
/// reading forward to data row N: constant memory, one pass, and only the labels of evaluated
/// rows are parsed (a training prefix may hold anything in its label column).
final class LabelFileCursor {
    let path: String
    private let reader: CSVReader
    private let column: Int
    private let columnName: String
    private let fieldCount: Int
    /// Data rows read so far.
    private var dataRow = 0

    /// Opens `path` and finds `columnName` in its header.
    /// - Throws: ``EvaluateError/inLabelsFile(path:error:)``.
    init(path: String, columnName: String) throws {
        self.path = path
        self.columnName = columnName
        do {
            let reader = try InputOpener.openCSV(path: path)
            // As `score` reads its input's header: CR-only line ends and a name that is not
            // UTF-8 are refused with their own errors (read as fields, the first gave "no label
            // column", exit 12).
            let header: [String?] = try reader.readHeader()
            self.reader = reader
            column = try ScoreOutputReader.column(columnName, in: header)
            fieldCount = header.count
        } catch {
            throw EvaluateError.inLabelsFile(path: path, error: error)
        }
    }

    /// The label of data row `row`, which must be after every row asked for before (checked).
    /// - Throws: ``EvaluateError``: no such row, an invalid label, or a CSV error.
    func label(ofRow row: Int) throws -> Bool {
        precondition(row > dataRow, "rows must be asked for in increasing order")
        do {
            while dataRow < row {
                let read = Result { () throws(InputError) in try reader.next(blocking: true) }
                if case .failure(let error) = read, error.isRecoverable, dataRow + 1 < row {
                    // A bad record before the one asked for (one `score --on-bad-row skip`
                    // passed over, as its output's row numbers skip it): counted, not read.
                    try reader.skipBadRecord { _ in }
                    dataRow += 1
                    continue
                }
                guard try read.get() == .record else {
                    throw EvaluateError.missingLabel(row: row, labelRows: dataRow, file: path)
                }
                dataRow += 1
            }
            guard reader.fieldCount == fieldCount else {
                throw InputError.wrongFieldCount(
                    line: reader.lineNumber, expected: fieldCount, found: reader.fieldCount)
            }
        } catch let error as InputError {
            throw EvaluateError.inLabelsFile(path: path, error: error)
        }
        return try reader.withField(column) { bytes in
            guard let label = EvaluateFields.label(bytes) else {
                throw EvaluateError.invalidLabel(
                    line: reader.lineNumber, column: columnName, text: EvaluateFields.text(bytes), file: path)
            }
            return label
        }
    }
}
