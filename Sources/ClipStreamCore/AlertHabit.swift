import RealModule

/// Which columns a key's recent alerts came from, so that an alert repeating the key's habit is
/// muted: a row whose deviation sits in one column (at least ``dominantShare`` of `||z||^2`)
/// that already dominated ``repeats`` of the key's alerts, counted with weight
/// `exp(-age / memoryRows)`, does not alert. Its decision is withheld (the `alert` field is
/// empty) and its reported score capped at its threshold, below the key's raised alerts
/// (``RowScore/muted``).
///
/// Why: on SMD group 1 most false alarms of machines 1-3, 1-4, 1-6 and 1-8 come from one
/// metric each, spiking alone again and again (`m4` on 1-3 and 1-4, `m9` on 1-8), while the
/// labelled anomalies move several metrics at once. Muting took the false alarms per 1,000
/// label-0 rows from 0.1 4.1 4.0 0.8 5.8 3.2 2.5 to the figures in `Docs/quality.md` ("Muted
/// repeats"). The hard case's one-column spikes pick a random column each time and are never
/// muted.
///
/// Layout of a key's `d + 2` values: the decayed alert count of each column, then the row of
/// the last counted alert as two exact `Float`s (`high * 2^24 + low`). Counts decay only when
/// an alert is counted, so a row that does not alert costs nothing.
public struct AlertHabit: Sendable, Equatable {
    /// Model features `d`.
    public let dimension: Int

    /// Creates the layout for a model of `dimension` features.
    public init(dimension: Int) {
        self.dimension = dimension
    }

    /// `Float`s per key.
    public var storageCount: Int { dimension + 2 }

    /// Rows over which a counted alert's weight falls by `e`.
    public static let memoryRows = 2_000.0
    /// Decayed count of earlier alerts of the same column at which an alert is muted.
    public static let repeats: Float = 3
    /// Least share of `||z||^2` in one column that makes an alert that column's.
    public static let dominantShare = 0.6

    /// Counts an alert of the key's row `row` and returns whether it repeats the key's habit
    /// (and is to be muted). Muted alerts count too: a habit stays one while it goes on.
    /// - Parameters:
    ///   - z: the row's standardized residual (`d` values).
    ///   - squaredNorm: `||z||^2` (1 when `z` is a unit direction).
    ///   - block: the key's alert habit (``storageCount`` values).
    /// - Complexity: O(d), on alerting rows only.
    func mutesAlert(
        z: UnsafePointer<Float>, squaredNorm: Double, row: Int, block: UnsafeMutablePointer<Float>
    ) -> Bool {
        let d = dimension
        var column = 0
        var largest: Float = -1
        for j in 0..<d where z[j] * z[j] > largest {
            largest = z[j] * z[j]
            column = j
        }
        guard Double(largest) >= Self.dominantShare * squaredNorm else { return false }
        let last = Int(block[d]) << Self.lowBits + Int(block[d + 1])
        let decay = Float(Double.exp(-Double(max(row - last, 0)) / Self.memoryRows))
        for j in 0..<d { block[j] *= decay }
        let muted = block[column] >= Self.repeats
        block[column] += 1
        block[d] = Float(row >> Self.lowBits)
        block[d + 1] = Float(row & (1 << Self.lowBits - 1))
        return muted
    }

    /// Bits of the last row's lower part (exact in a `Float`).
    static let lowBits = 24

    /// A key's habits as of its last counted alert: the columns with a decayed count of at
    /// least `0.5`, largest first, and that alert's row (0 before any).
    public func habits(_ block: ArraySlice<Float>) -> (columns: [(column: Int, count: Float)], lastRow: Int) {
        guard block.count == storageCount else { return ([], 0) }
        let start = block.startIndex
        let columns = (0..<dimension).map { (column: $0, count: block[start + $0]) }
            .filter { $0.count >= 0.5 }.sorted { $0.count > $1.count }
        return (columns, Int(block[start + dimension]) << Self.lowBits + Int(block[start + dimension + 1]))
    }

    /// Whether `block` could be a key's alert habit: counts not negative, the last row two
    /// whole numbers, the lower one below `2^24`.
    public func isSound(_ block: ArraySlice<Float>) -> Bool {
        guard block.count == storageCount else { return false }
        let counts = block.prefix(dimension)
        let high = block[block.startIndex + dimension]
        let low = block[block.startIndex + dimension + 1]
        return counts.allSatisfy { $0 >= 0 } && high >= 0 && high == high.rounded()
            && high < Float(1 << 38) && low >= 0 && low == low.rounded() && low < Float(1 << Self.lowBits)
    }
}
