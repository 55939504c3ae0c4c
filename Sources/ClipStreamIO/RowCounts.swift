import ClipStreamCore

/// What a run of scored rows decided, each row counted once: the tally a batch hands its
/// observer (``ScoringObserver/counted(_:)``), a run's summary and the demo keep.
public struct RowCounts: Sendable, Equatable {
    /// Rows scored.
    public var rows = 0
    /// Rows with `alert = 1`.
    public var alerts = 0
    /// Rows whose decision was withheld (the muted repeats and the rows late in a run among them).
    public var withheld = 0
    /// Rows that would have alerted but repeat their key's habit (``RowScore/muted``).
    public var muted = 0
    /// Rows that would have alerted but come late in their run (``RowScore/runCapped``).
    public var runCapped = 0
    /// Rows with missing values the key imputed, and how many values (``RowScore/imputedValues``).
    public var imputedRows = 0
    public var imputedValues = 0

    /// No rows yet.
    public init() {}

    /// Counts one scored row.
    @inlinable
    public mutating func count(_ result: RowScore) {
        rows += 1
        switch result.decision {
        case .alert: alerts += 1
        case .withheld: withheld += 1
        case .normal: break
        }
        if result.muted { muted += 1 }
        if result.runCapped { runCapped += 1 }
        if result.imputedValues > 0 {
            imputedRows += 1
            imputedValues += Int(result.imputedValues)
        }
    }

    /// Adds another tally.
    public mutating func add(_ other: RowCounts) {
        rows += other.rows
        alerts += other.alerts
        withheld += other.withheld
        muted += other.muted
        runCapped += other.runCapped
        imputedRows += other.imputedRows
        imputedValues += other.imputedValues
    }
}
