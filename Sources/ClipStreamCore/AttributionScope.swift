/// Which rows of a batch get the top-k attribution: the work is O(d log k) a row, and a caller
/// that shows only some rows (a replay's highest scores, `--alerts-only`) need not pay it for
/// the rest. Rows outside the scope get indices `0..<k` with shares 0; nothing else about any
/// row changes.
public struct AttributionScope: Sendable, Equatable {
    /// Rows whose reported score is above this are attributed.
    public var above: Double
    /// Whether every alert is attributed too, whatever its score.
    public var alerts: Bool

    /// Creates a scope.
    public init(above: Double = -.infinity, alerts: Bool = false) {
        self.above = above
        self.alerts = alerts
    }

    /// Every row.
    public static let everyRow = AttributionScope()

    /// Whether a row with this result is attributed.
    @inlinable
    public func includes(_ result: RowScore) -> Bool {
        result.score > above || (alerts && result.decision == .alert)
    }
}
