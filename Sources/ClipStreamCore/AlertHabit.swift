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
/// Layout of a key's ``storageCount`` values: ``slots`` columns (as whole `Float`s; an empty
/// slot holds column 0 at count 0), their decayed alert counts, then the row of the last counted alert as two exact
/// `Float`s (`high * 2^24 + low`). A column that is not in a slot takes an empty one or the one
/// with the smallest count, and starts at 1 (so a habit is never overstated). Eight slots give
/// SMD group 1 exactly what a count per column gives (`Docs/quality.md`), at 72 bytes a key
/// whatever its width. Counts decay only when an alert is counted, so a row that does not
/// alert costs nothing.
public struct AlertHabit: Sendable, Equatable {
    /// The row's own features (the input width: with lags, the model's first `dimension`
    /// features, which the decision follows too).
    public let dimension: Int

    /// Creates the layout for rows of `dimension` features.
    public init(dimension: Int) {
        self.dimension = dimension
    }

    /// Columns a key remembers.
    public static let slots = 8
    /// `Float`s per key.
    public var storageCount: Int { 2 * Self.slots + 2 }

    /// Rows over which a counted alert's weight falls by `e`.
    public static let memoryRows = 2_000.0
    /// Decayed count of earlier alerts of the same column at which an alert is muted.
    public static let repeats: Float = 3
    /// Ceiling of a count, so that a habit fades below ``repeats`` within `ln(20 / 3)` memories
    /// (3,800 rows) of its last alert, however long it went on: uncapped, a 200-row storm in one
    /// column left a count near 100, and later spikes there were muted for some 7,000 rows. SMD
    /// group 1 gives the same false alarms at 20 as uncapped; at 10 or 15, machine 1-6 has 40
    /// where the band allows 39.
    public static let ceiling: Float = 20
    /// Least share of `||z||^2` in one column that makes an alert that column's.
    public static let dominantShare = 0.6

    /// Counts an alert of the key's row `row` and returns whether it repeats the key's habit
    /// (and is to be muted). Muted alerts count too: a habit stays one while it goes on.
    /// - Parameters:
    ///   - z: the row's standardized residual (or its direction); its first ``dimension``
    ///     values are the row's own.
    ///   - block: the key's alert habit (``storageCount`` values; all 0 for a new key).
    /// - Complexity: O(d), on alerting rows only.
    func mutesAlert(z: UnsafePointer<Float>, row: Int, block: UnsafeMutablePointer<Float>) -> Bool {
        var column = 0
        var largest: Float = -1
        var squaredNorm = 0.0
        for j in 0..<dimension {
            let square = z[j] * z[j]
            squaredNorm += Double(square)
            if square > largest {
                largest = square
                column = j
            }
        }
        guard Double(largest) >= Self.dominantShare * squaredNorm else { return false }
        let k = Self.slots
        let columns = block
        let counts = block + k
        let last = Self.row(high: block[2 * k], low: block[2 * k + 1])
        let decay = Float(Double.exp(-Double(max(row - last, 0)) / Self.memoryRows))
        var slot = -1
        var weakest = 0
        for i in 0..<k {
            counts[i] *= decay
            // Empty slots hold column 0 at count 0 (a new key's block is all 0), which counts
            // the same as holding nothing: of several slots of one column, the largest count.
            if columns[i] == Float(column) && (slot < 0 || counts[i] > counts[slot]) { slot = i }
            if counts[i] < counts[weakest] { weakest = i }
        }
        let muted = slot >= 0 && counts[slot] >= Self.repeats
        if slot >= 0 {
            counts[slot] = min(counts[slot] + 1, Self.ceiling)
        } else {
            columns[weakest] = Float(column)
            counts[weakest] = 1
        }
        block[2 * k] = Float(row >> Self.lowBits)
        block[2 * k + 1] = Float(row & (1 << Self.lowBits - 1))
        return muted
    }

    /// Bits of the last row's lower part (exact in a `Float`).
    static let lowBits = 24

    /// The row stored as `high * 2^24 + low` (two whole `Float`s of a sound block).
    private static func row(high: Float, low: Float) -> Int { Int(high) << lowBits + Int(low) }

    /// A key's habits as of its last counted alert: the columns with a decayed count of at
    /// least `0.5`, largest first, and that alert's row (0 before any); nil for a block that
    /// fails ``isSound(_:)``.
    public func habits(_ block: ArraySlice<Float>) -> (columns: [(column: Int, count: Float)], lastRow: Int)? {
        guard isSound(block) else { return nil }
        let start = block.startIndex
        let k = Self.slots
        let columns = (0..<k).map { (column: Int(block[start + $0]), count: block[start + k + $0]) }
            .filter { $0.count >= 0.5 }.sorted { $0.count > $1.count }
        return (columns, Self.row(high: block[start + 2 * k], low: block[start + 2 * k + 1]))
    }

    /// Whether `block` could be a key's alert habit: each slot a column of the row (a whole
    /// number in `0 ..< d`) with a count in `[0, ceiling]`, the last row two whole numbers, the
    /// lower one below `2^24`. (``KeySnapshot/isSound(for:)`` also holds the last row to the
    /// key's row count.)
    public func isSound(_ block: ArraySlice<Float>) -> Bool {
        guard block.count == storageCount else { return false }
        let start = block.startIndex
        let k = Self.slots
        for i in 0..<k {
            let column = block[start + i]
            let count = block[start + k + i]
            guard column >= 0, column < Float(dimension), column == column.rounded(),
                count >= 0, count <= Self.ceiling
            else { return false }
        }
        let high = block[start + 2 * k]
        let low = block[start + 2 * k + 1]
        return high >= 0 && high == high.rounded() && high < Float(1 << 38)
            && low >= 0 && low == low.rounded() && low < Float(1 << Self.lowBits)
    }
}
