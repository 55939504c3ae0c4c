import ClipStreamEngine

/// The rows of a ``ParsedBatch``: values in a ``RowBatch`` (handles not yet resolved), keys
/// (by name or as ids), data-row numbers and the echoed fields' raw bytes.
///
/// A struct apart from the batch's class so that a reader thread holding it `inout` for a whole
/// fill (``ParsedBatch/withRows(_:)``) appends rows with static exclusivity: as the class's
/// properties, each row paid some 16 dynamic exclusivity checks (~10% of a narrow CSV run's
/// cycles).
struct ParsedRows {
    let schema: CSVSchema
    /// Whether an empty or NaN feature value is a missing value (stored as NaN for the engine
    /// to impute, counted there) instead of a bad row.
    let keepsMissing: Bool
    /// Values of the parsed rows; handles are set by the consumer.
    var batch: RowBatch
    /// Each row's key (by name; empty when ``usesKeyIDs``).
    var keys: [String]
    /// Each row's key as an id (an archive's, or ``CSVKeyIDs``'), resolved by the consumer
    /// through its own table (no key name per row, no string hashing per row).
    var usesKeyIDs = false
    var keyIDs: [Int32]
    /// With ids: the keys introduced while these rows were read, in id order (the consumer
    /// appends them to its table before resolving ``keyIDs``).
    var introducedKeys: [String] = []
    /// Each row's 1-based data-row number in the input.
    var rowNumbers: [Int]
    /// Raw bytes of echoed fields (label, time).
    var echo: [UInt8] = []
    /// Per row: start and end of the label, then of the time, in `echo`.
    var echoRanges: [Int]
    /// UTF-8 bytes of ``keys`` (with ids: of ``introducedKeys``).
    private(set) var keyBytes = 0
    /// Bytes of key and echoed text the rows hold before they count as full: the row capacity
    /// bounds only the values, and three batches of 4,096 rows with 20 kB keys held 270 MB
    /// (up to ~12 GB with keys at the 1 MiB line limit).
    static let textBudget = 16 << 20
    /// Whether no more rows should be added: full, or holding ``textBudget`` of text.
    var isFull: Bool { batch.isFull || keyBytes + echo.count >= Self.textBudget }
    private let placeholder = KeyHandle(shard: 0, slot: 0)

    init(schema: CSVSchema, capacity: Int, explainCount: Int, keepsMissing: Bool) {
        self.schema = schema
        self.keepsMissing = keepsMissing
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

    /// Empties the rows, keeping their storage.
    mutating func reset() {
        batch.removeAll()
        keys.removeAll(keepingCapacity: true)
        keyBytes = 0
        keyIDs.removeAll(keepingCapacity: true)
        introducedKeys.removeAll(keepingCapacity: true)
        echo.removeAll(keepingCapacity: true)
    }

    /// Parses the reader's current record; nothing is added if it is bad or belongs to another
    /// partition's key. With an `idTable`, the key goes as an id (``keyIDs``,
    /// ``introducedKeys``; the table holds the partition) and the rows must be ``usesKeyIDs``;
    /// without, by name.
    mutating func append(
        from reader: CSVReader, dataRow: Int, partition: KeyPartition?, idTable: inout CSVKeyIDs?
    ) throws(InputError) {
        let line = reader.lineNumber
        guard reader.fieldCount == schema.columnNames.count else {
            throw .wrongFieldCount(line: line, expected: schema.columnNames.count, found: reader.fieldCount)
        }
        let schema = self.schema
        let keepsMissing = self.keepsMissing
        // Looked up once: the partition test and the row's key share it. By name, a valid key
        // is `.new` (its hash unused).
        let lookup: CSVKeyIDs.Lookup
        if idTable != nil {
            lookup = reader.withField(schema.keyColumn) { idTable!.lookUp($0) }
        } else if let key = reader.string(at: schema.keyColumn) {
            if key.isEmpty {
                lookup = .empty
            } else if let partition, !partition.contains(key) {
                lookup = .foreign
            } else {
                lookup = .new(key, hash: 0)
            }
        } else {
            lookup = .invalidUTF8
        }
        if case .foreign = lookup { return }
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
        case .known(let id):
            batch.append(handle: placeholder)
            keyIDs.append(id)
        case .new(let key, let hash):
            batch.append(handle: placeholder)
            keyBytes += key.utf8.count
            if idTable == nil {
                keys.append(key)
            } else {
                keyIDs.append(idTable!.introduce(key, hash: hash))
                introducedKeys.append(key)
            }
        }
        let index = batch.count - 1
        rowNumbers[index] = dataRow
        echoField(reader, schema.labelColumn, slot: index * 4)
        echoField(reader, schema.timeColumn, slot: index * 4 + 2)
    }

    /// Keeps the rows whose flag is true, in order, with their keys, numbers and echoed
    /// fields.
    mutating func removeRows(keeping flags: [Bool]) {
        precondition(flags.count == batch.count)
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

    private mutating func echoField(_ reader: CSVReader, _ column: Int?, slot: Int) {
        let start = echo.count
        if let column { reader.withField(column) { echo.append(contentsOf: $0) } }
        echoRanges[slot] = start
        echoRanges[slot + 1] = echo.count
    }

    private static func text(_ reader: CSVReader, _ column: Int) -> String {
        reader.withField(column) { String(decoding: $0, as: UTF8.self) }
    }
}
