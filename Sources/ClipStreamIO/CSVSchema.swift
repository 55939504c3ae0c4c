/// Which columns of a CSV header are the key, the label, the time and the features.
public struct CSVSchema: Sendable, Equatable {
    /// Every header name, in order.
    public let columnNames: [String]
    /// Index of the key column.
    public let keyColumn: Int
    /// Index of the label column, echoed verbatim.
    public let labelColumn: Int?
    /// Index of the time column, echoed verbatim.
    public let timeColumn: Int?
    /// Indices of the numeric feature columns, in header order.
    public let featureColumns: [Int]

    /// Resolves the roles of `header`'s columns.
    /// - Throws: ``InputError`` for an empty or duplicate name, a missing key, label or time
    ///   column, or a header with no feature column left.
    public init(
        header: [String], keyColumn: String, labelColumn: String? = nil, timeColumn: String? = nil
    ) throws(InputError) {
        var seen = Set<String>()
        for (index, name) in header.enumerated() {
            if name.isEmpty { throw .emptyColumnName(index: index + 1) }
            if !seen.insert(name).inserted { throw .duplicateColumn(name: name) }
        }
        func position(_ name: String) throws(InputError) -> Int {
            guard let index = header.firstIndex(of: name) else { throw .missingColumn(name: name) }
            return index
        }
        columnNames = header
        self.keyColumn = try position(keyColumn)
        if let labelColumn { self.labelColumn = try position(labelColumn) } else { self.labelColumn = nil }
        if let timeColumn { self.timeColumn = try position(timeColumn) } else { self.timeColumn = nil }
        let special = Set([self.keyColumn, self.labelColumn, self.timeColumn].compactMap { $0 })
        featureColumns = header.indices.filter { !special.contains($0) }
        if featureColumns.isEmpty { throw .noFeatureColumns }
    }

    /// Names of the feature columns.
    public var featureNames: [String] { featureColumns.map { columnNames[$0] } }
}
