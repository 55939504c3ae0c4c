import ClipStreamEngine

/// A batch of parsed rows waiting for the engine (``ParsedRows``), and what the reader thread
/// tells the consumer with it: why it was handed over, how far the input was read, what was
/// skipped.
///
/// Filled by the reader thread and consumed by the scoring thread, one at a time (see
/// `ScoringPipeline`); everything is allocated once and reused.
final class ParsedBatch: @unchecked Sendable {
    let schema: CSVSchema
    /// The header's column names as bytes (``isRepeatedHeader(_:)``).
    private let headerBytes: [[UInt8]]
    /// The rows. A reader appending many holds them through ``withRows(_:)``.
    var rows: ParsedRows
    /// The input stalled after these rows: score them and flush now.
    var stalled = false
    /// The input ended after these rows.
    var end = false
    /// The row after these was bad: score these, flush, then report it.
    var error: (any Error)?
    /// Data records the reader had consumed when this batch was handed over.
    var dataRowsConsumed = 0
    /// Input bytes the reader had consumed then.
    var inputBytesConsumed = 0
    /// Bad rows passed over while filling this batch, by reason.
    var skipped: [String: Int] = [:]
    /// The quarantine file's length (bytes this run wrote) when this batch was handed over.
    var quarantineBytesWritten = 0

    // The rows' parts, for the consumer and the writer (one access each).
    var batch: RowBatch {
        _read { yield rows.batch }
        _modify { yield &rows.batch }
    }
    var keys: [String] {
        _read { yield rows.keys }
        _modify { yield &rows.keys }
    }
    var usesKeyIDs: Bool {
        get { rows.usesKeyIDs }
        set { rows.usesKeyIDs = newValue }
    }
    var keyIDs: [Int32] {
        _read { yield rows.keyIDs }
        _modify { yield &rows.keyIDs }
    }
    var introducedKeys: [String] {
        _read { yield rows.introducedKeys }
        _modify { yield &rows.introducedKeys }
    }
    var rowNumbers: [Int] {
        _read { yield rows.rowNumbers }
        _modify { yield &rows.rowNumbers }
    }
    var echo: [UInt8] { rows.echo }
    var echoRanges: [Int] { rows.echoRanges }
    var keyBytes: Int { rows.keyBytes }
    var isFull: Bool { rows.isFull }

    init(schema: CSVSchema, capacity: Int, explainCount: Int, keepsMissing: Bool = false) {
        self.schema = schema
        headerBytes = schema.columnNames.map { Array($0.utf8) }
        rows = ParsedRows(schema: schema, capacity: capacity, explainCount: explainCount, keepsMissing: keepsMissing)
    }

    func reset() {
        rows.reset()
        stalled = false
        end = false
        error = nil
        if !skipped.isEmpty { skipped.removeAll() }
    }

    /// Lends the rows for a loop that appends many: one exclusivity check for the loop. The
    /// body must not reach the rows through this batch's other properties (``batch``,
    /// ``keys``, ...) meanwhile: that would overlap the access and trap.
    func withRows<R, E: Error>(_ body: (inout ParsedRows) throws(E) -> R) throws(E) -> R {
        try body(&rows)
    }

    /// Parses the reader's current record with its key by name (``keys``); nothing is added if
    /// it is bad or (with a partition) belongs to another partition's key.
    func append(from reader: CSVReader, dataRow: Int, partition: KeyPartition? = nil) throws(InputError) {
        var byName: CSVKeyIDs?
        try rows.append(from: reader, dataRow: dataRow, partition: partition, idTable: &byName)
    }

    /// Keeps the rows for which `keep(index)` is true, in order, with their keys, numbers and
    /// echoed fields.
    func removeRows(keeping keep: (Int) -> Bool) {
        // Decided before the rows are modified: `keep` may read them through this batch.
        let flags = (0..<rows.batch.count).map(keep)
        rows.removeRows(keeping: flags)
    }

    /// Whether the reader's current record repeats the header, field for field. A UTF-8
    /// byte-order mark before the first field does not count: a file concatenated after another
    /// brings its own. Checked before a row is parsed (a header of numeric names, `key,1,2`,
    /// parses as a row), and cheap for data rows, whose first field differs at once.
    func isRepeatedHeader(_ reader: CSVReader) -> Bool {
        guard reader.fieldCount == headerBytes.count else { return false }
        return headerBytes.indices.allSatisfy { i in
            reader.withField(i) { field in
                var bytes = field[...]
                if i == 0 && bytes.starts(with: Self.byteOrderMark) { bytes = bytes.dropFirst(Self.byteOrderMark.count) }
                return bytes.elementsEqual(headerBytes[i])
            }
        }
    }

    /// The UTF-8 encoding of U+FEFF.
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}

extension ParsedBatch {
    /// Lends the columns an archive producer appends rows to, all at once: the per-row loop
    /// then works on statically exclusive storage (as properties of this class, each access
    /// would pay a dynamic exclusivity check).
    static func appendingArchiveRows(
        to slot: ParsedBatch,
        _ body: (
            _ batch: inout RowBatch, _ keyIDs: inout [Int32], _ rowNumbers: inout [Int],
            _ echo: inout [UInt8], _ echoRanges: inout [Int]
        ) -> Void
    ) {
        slot.withRows { rows in body(&rows.batch, &rows.keyIDs, &rows.rowNumbers, &rows.echo, &rows.echoRanges) }
    }
}
