/// The lag window of a key: its previous `L` rows, most recent first, which extend each new
/// row into a shingle (``Configuration/lags``). Shared by every model.
enum LagWindow {
    /// Writes `[x, window]` into `row` and shifts `x` into the window (most recent first).
    /// A key's first row fills its whole window, so its first rows carry no fake step.
    ///
    /// The window holds the raw rows: winsorizing them (to 3 scales of the estimate) to stop
    /// an isolated spike from echoing through the next `L` rows was measured and rejected
    /// (SMD at `--lags 2`: 0.885 -> 0.823, NAB at 8: 0.599 -> 0.581), because the lagged
    /// coordinates' estimates then no longer match the current ones.
    static func extend(
        _ x: UnsafePointer<Float>, width: Int, into row: UnsafeMutablePointer<Float>,
        window: UnsafeMutablePointer<Float>, lagWidth: Int, first: Bool
    ) {
        if first { fill(window, with: x, width: width, lagWidth: lagWidth) }
        row.update(from: x, count: width)
        (row + width).update(from: window, count: lagWidth)
        window.update(from: row, count: lagWidth)
    }

    /// Fills a window of `lagWidth` values with copies of the row `x` (`width` values): a key's
    /// first row stands in for the rows it has not seen.
    static func fill(
        _ window: UnsafeMutablePointer<Float>, with x: UnsafePointer<Float>, width: Int, lagWidth: Int
    ) {
        for lag in stride(from: 0, to: lagWidth, by: width) {
            (window + lag).update(from: x, count: width)
        }
    }

    /// Hands each row of `order` to `body` as the model sees it: `body(n, i, slot, x)` for
    /// entry `n`, row `i` (at `rows + i * rowStride`), its key's `slot`, and `x`, the row itself
    /// or, when the bank keeps lags, the row extended with its key's window into `shingle`
    /// (which must then hold the model dimension). Shared by every detector's batch loop.
    @inline(__always)
    static func forEachModelRow(
        rows: UnsafePointer<Float>, rowStride: Int, order: UnsafeBufferPointer<Int32>,
        slots: UnsafePointer<Int32>, inputWidth: Int, storage: BankStorage,
        shingle: UnsafeMutableBufferPointer<Float>,
        _ body: (_ n: Int, _ i: Int, _ slot: Int, _ x: UnsafePointer<Float>) -> Void
    ) {
        for (n, i32) in order.enumerated() {
            let i = Int(i32)
            let slot = Int(slots[i])
            var x = rows + i * rowStride
            if storage.lagWidth > 0 {
                let row = shingle.baseAddress.unsafelyUnwrapped
                extend(
                    x, width: inputWidth, into: row, window: storage.lagWindow(slot),
                    lagWidth: storage.lagWidth, first: storage.state(slot).pointee.rowCount == 0)
                x = UnsafePointer(row)
            }
            body(n, i, slot, x)
        }
    }
}
