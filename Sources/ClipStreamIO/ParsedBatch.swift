import ClipStreamEngine

/// A batch of parsed rows waiting for the engine: values in a ``RowBatch`` (handles not yet
/// resolved), key names, data-row numbers and the echoed fields' raw bytes.
///
/// Filled by the reader thread and consumed by the scoring thread, one at a time (see
/// `ScoringPipeline`); everything is allocated once and reused.
final class ParsedBatch: @unchecked Sendable {
    let schema: CSVSchema
    /// The header's column names as bytes (``isRepeatedHeader(_:)``).
    private let headerBytes: [[UInt8]]
    /// Values of the parsed rows; handles are set by the consumer.
    var batch: RowBatch
    /// Each row's key (CSV input; empty when ``usesKeyIDs``).
    var keys: [String]
    /// Each row's key as an id (an archive's, or ``CSVKeyIDs``'), resolved by the consumer
    /// through its own table (no key name per row, no string hashing per row).
    var usesKeyIDs = false
    var keyIDs: [Int32]
    /// With ids: the keys introduced while this batch was filled, in id order (the consumer
    /// appends them to its table before resolving ``keyIDs``).
    var introducedKeys: [String] = []
    /// Each row's 1-based data-row number in the input.
    var rowNumbers: [Int]
    /// Raw bytes of echoed fields (label, time).
    var echo: [UInt8] = []
    /// UTF-8 bytes of ``keys`` (with ids: of ``introducedKeys``).
    private(set) var keyBytes = 0
    /// Bytes of key and echoed text a batch holds before it counts as full: the row capacity
    /// bounds only the values, and three batches of 4,096 rows with 20 kB keys held 270 MB
    /// (up to ~12 GB with keys at the 1 MiB line limit).
    static let textBudget = 16 << 20
    /// Whether the batch should take no more rows: full, or holding ``textBudget`` of text.
    var isFull: Bool { batch.isFull || keyBytes + echo.count >= Self.textBudget }
    /// Per row: start and end of the label, then of the time, in `echo`.
    var echoRanges: [Int]
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
    private let placeholder = KeyHandle(shard: 0, slot: 0)

    /// Whether an empty or NaN feature value is a missing value (stored as NaN for the engine
    /// to impute, counted there) instead of a bad row.
    let keepsMissing: Bool

    init(schema: CSVSchema, capacity: Int, explainCount: Int, keepsMissing: Bool = false) {
        self.schema = schema
        self.keepsMissing = keepsMissing
        headerBytes = schema.columnNames.map { Array($0.utf8) }
        batch = RowBatch(
            dimension: schema.featureColumns.count, capacity: capacity, explainCount: explainCount)
        keys = []
        keys.reserveCapacity(capacity)
        keyIDs = []
        keyIDs.reserveCapacity(capacity)
        rowNumbers = Array(repeating: 0, count: capacity)
        echoRanges = Array(repeating: 0, count: capacity * 4)
        echo.reserveCapacity(capacity * 16)
    }

    func reset() {
        batch.removeAll()
        keys.removeAll(keepingCapacity: true)
        keyBytes = 0
        keyIDs.removeAll(keepingCapacity: true)
        introducedKeys.removeAll(keepingCapacity: true)
        echo.removeAll(keepingCapacity: true)
        stalled = false
        end = false
        error = nil
        if !skipped.isEmpty { skipped.removeAll() }
    }

    /// Parses the reader's current record with its key by name (``keys``); nothing is added if
    /// it is bad or (with a partition) belongs to another partition's key.
    func append(from reader: CSVReader, dataRow: Int, partition: KeyPartition? = nil) throws(InputError) {
        var byName: CSVKeyIDs?
        try append(from: reader, dataRow: dataRow, partition: partition, idTable: &byName)
    }

    /// Parses the reader's current record; nothing is added if it is bad or belongs to another
    /// partition's key. With an `idTable`, the key goes as an id (``keyIDs``,
    /// ``introducedKeys``; the table holds the partition) and the batch must be ``usesKeyIDs``;
    /// without, by name.
    func append(
        from reader: CSVReader, dataRow: Int, partition: KeyPartition?, idTable: inout CSVKeyIDs?
    ) throws(InputError) {
        let line = reader.lineNumber
        guard reader.fieldCount == schema.columnNames.count else {
            throw .wrongFieldCount(line: line, expected: schema.columnNames.count, found: reader.fieldCount)
        }
        let schema = self.schema
        let keepsMissing = self.keepsMissing
        // Looked up once: the partition test and the row's key share it.
        let lookup: CSVKeyIDs.Lookup
        var parsedKey: String?
        if idTable != nil {
            lookup = reader.withField(schema.keyColumn) { idTable!.lookUp($0) }
            if case .foreign = lookup { return }
        } else {
            parsedKey = reader.string(at: schema.keyColumn)
            lookup = parsedKey.map { $0.isEmpty ? .empty : .entry(0) } ?? .invalidUTF8
            if let partition, let key = parsedKey, !key.isEmpty, !partition.contains(key) {
                return
            }
        }
        // The values go straight into the batch's next row, which `append(handle:)` then adds.
        // (Through `RowBatch.append(handle:fill:)`, across the module boundary, the closure's
        // context was a heap allocation per row.)
        precondition(!batch.isFull, "batch is full")
        let start = batch.count * batch.dimension
        var failure: InputError?
        batch.values.withUnsafeMutableBufferPointer { values in
            for (f, column) in schema.featureColumns.enumerated() {
                switch reader.float(at: column) {
                case .value(let v): values[start + f] = v
                case .empty where keepsMissing: values[start + f] = .nan
                case .empty:
                    failure = .emptyField(line: line, column: schema.columnNames[column])
                case .nonNumeric:
                    failure = .nonNumeric(line: line, column: schema.columnNames[column], text: Self.text(reader, column))
                case .nonFinite where keepsMissing && reader.withField(column, { FloatParser.spellsNaN($0) }):
                    values[start + f] = .nan
                case .nonFinite:
                    failure = .nonFinite(line: line, column: schema.columnNames[column], text: Self.text(reader, column))
                }
                if failure != nil { return }
            }
        }
        if let failure { throw failure }
        let keyName = schema.columnNames[schema.keyColumn]
        switch lookup {
        case .invalidUTF8: throw .invalidUTF8(line: line, column: keyName)
        case .empty: throw .emptyKey(line: line, column: keyName)
        case .foreign: return
        case .entry(let entry):
            batch.append(handle: placeholder)
            if let key = parsedKey {
                keys.append(key)
                keyBytes += key.utf8.count
            } else {
                let introduced = introducedKeys.count
                keyIDs.append(idTable!.id(of: entry, introducingInto: &introducedKeys))
                if introducedKeys.count > introduced { keyBytes += introducedKeys[introduced].utf8.count }
            }
        }
        let index = batch.count - 1
        rowNumbers[index] = dataRow
        echoField(reader, schema.labelColumn, slot: index * 4)
        echoField(reader, schema.timeColumn, slot: index * 4 + 2)
    }

    /// Keeps the rows for which `keep(index)` is true, in order, with their keys, numbers and
    /// echoed fields.
    func removeRows(keeping keep: (Int) -> Bool) {
        var flags = [Bool](repeating: false, count: batch.count)
        for i in 0..<batch.count { flags[i] = keep(i) }
        var kept = 0
        for i in 0..<batch.count where flags[i] {
            if kept != i {
                if usesKeyIDs { keyIDs[kept] = keyIDs[i] } else { keys[kept] = keys[i] }
                rowNumbers[kept] = rowNumbers[i]
                for j in 0..<4 { echoRanges[kept * 4 + j] = echoRanges[i * 4 + j] }
            }
            kept += 1
        }
        if usesKeyIDs { keyIDs.removeLast(keyIDs.count - kept) } else { keys.removeLast(keys.count - kept) }
        batch.removeRows { flags[$0] }
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

    private func echoField(_ reader: CSVReader, _ column: Int?, slot: Int) {
        let start = echo.count
        if let column { reader.withField(column) { echo.append(contentsOf: $0) } }
        echoRanges[slot] = start
        echoRanges[slot + 1] = echo.count
    }

    private static func text(_ reader: CSVReader, _ column: Int) -> String {
        reader.withField(column) { String(decoding: $0, as: UTF8.self) }
    }
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
        body(&slot.batch, &slot.keyIDs, &slot.rowNumbers, &slot.echo, &slot.echoRanges)
    }

    /// Lends the batch for a per-row loop (one exclusivity check for the loop, not one per row).
    static func withBatch(of slot: ParsedBatch, _ body: (inout RowBatch) -> Void) {
        body(&slot.batch)
    }
}
