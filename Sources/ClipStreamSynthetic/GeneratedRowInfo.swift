/// What ``HardCaseStream`` knows about a row it generated: where it sits in the stream, which
/// key emitted it and whether it is an injected anomaly.
public struct GeneratedRowInfo: Sendable, Equatable, Hashable {
    /// The row's position in the whole stream, counting from 0.
    public var index: Int
    /// The emitting key, in `0..<keys`; its name is `keyNames[key]`.
    public var key: Int
    /// The ground-truth label: `true` for an injected anomaly.
    public var isAnomaly: Bool
    /// The anomaly's kind, `nil` exactly when `isAnomaly` is `false`.
    public var kind: AnomalyKind?
    /// The feature a `spike-one` anomaly moves (`nil` for every other row): what an
    /// explanation of the row should name first.
    public var movedFeature: Int?
    /// `true` on the first row of a new regime: the key's mean jumped just before this row.
    /// Such rows are labelled normal (0): the detector must follow the shift, not flag it forever.
    public var isRegimeShift: Bool

    /// Creates row metadata.
    /// - Parameters:
    ///   - index: the row's position in the stream, from 0.
    ///   - key: the emitting key's index.
    ///   - isAnomaly: the ground-truth label.
    ///   - kind: the anomaly's kind; `nil` for a normal row.
    ///   - isRegimeShift: whether the key's mean jumped just before this row.
    ///   - movedFeature: the feature a `spike-one` anomaly moves.
    public init(
        index: Int, key: Int, isAnomaly: Bool, kind: AnomalyKind?, isRegimeShift: Bool = false,
        movedFeature: Int? = nil
    ) {
        self.index = index
        self.key = key
        self.isAnomaly = isAnomaly
        self.kind = kind
        self.isRegimeShift = isRegimeShift
        self.movedFeature = movedFeature
    }
}
