/// A deterministic, labelled stream of multi-key rows built to be hard for a per-key streaming
/// anomaly detector; it feeds `clipstream generate` and `clipstream demo`.
///
/// **Keys.** Rows come in ticks: each tick emits every key exactly once, in an order shuffled
/// afresh per tick (a fleet reporting every minute), so keys' row counts never differ by more
/// than one. The last tick may be cut short by `rows`.
///
/// **Per key.** Column `j` has its own scale `scale_j`, log-uniform over `scaleDecades` decades
/// and drawn per key, and its own mean `mu_j = scale_j * N(0, 9)`. A row is
/// `x_j = mu_j + scale_j * t_j` with independent unit-variance Student-t noise `t_j`
/// (`tailDegreesOfFreedom`). The last `constantColumns` columns are constant per key (the first
/// of them 0 for every key), in every row.
///
/// **Normal changes (label 0).** The mean drifts slowly (`driftPerRow` standardized units per row
/// along a fixed random direction per key) and jumps at regime shifts every
/// `regimeShiftEvery` (±20% per key) rows of the key, each coordinate by
/// `regimeShiftMagnitude * scale_j * N(0, 1)`. The detector must follow both.
///
/// **Anomalies (label 1).** Past a key's first `warmupRows` rows (which also see no regime
/// shift), each row that is not a regime-shift row starts an anomaly segment of
/// `anomalySegmentLength` rows with a probability that makes the share of anomalous rows
/// `anomalyFraction` (for length 1: exactly that probability); its kind is uniform over
/// ``AnomalyKind``.
/// Anomalies change only the emitted row, never the mean.
///
/// Everything is drawn from generators seeded by `seed`: the same configuration always yields
/// bit-identical rows.
public struct HardCaseStream: Sendable {
    /// The validated configuration this stream was built from.
    public let configuration: HardCaseConfiguration
    /// Column names `f0`, `f1`, ..., one per dimension.
    public let featureNames: [String]
    /// Key names `host-00`, `host-01`, ...: zero-padded to the digits of `keys - 1`, at least two.
    public let keyNames: [String]
    /// Number of rows emitted so far; the next row's `index`.
    public private(set) var rowsEmitted = 0

    /// Per-key hidden state, indexed by key.
    private(set) var keyStates: [HardCaseKeyState]
    /// Shuffles each tick's key order; separate from the keys' generators so that the values of
    /// a key do not depend on how many keys there are or how they interleave.
    private var orderGenerator: SeededGenerator
    /// The current tick's key order, reshuffled in place (no allocation per row).
    private var tickOrder: [Int]
    /// Position of the next key within `tickOrder`; `keys` means a new tick starts.
    private var tickPosition: Int
    /// Probability that an eligible row starts an anomaly segment.
    private let segmentStartProbability: Double

    /// Creates the stream, drawing every key's hidden parameters.
    /// - Parameter configuration: the stream's parameters; validated here.
    /// - Throws: ``SyntheticConfigurationError`` when the configuration is invalid.
    /// - Complexity: O(keys × dimension) time and memory.
    public init(configuration: HardCaseConfiguration) throws(SyntheticConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        featureNames = (0..<configuration.dimension).map { "f\($0)" }
        let width = max(2, String(configuration.keys - 1).count)
        keyNames = (0..<configuration.keys).map { key in
            let digits = String(key)
            return "host-" + String(repeating: "0", count: width - digits.count) + digits
        }
        // One master generator hands out independent seeds: first the order generator's, then
        // one per key, in key order.
        var master = SeededGenerator(seed: configuration.seed)
        orderGenerator = SeededGenerator(seed: master.next())
        keyStates = (0..<configuration.keys).map { _ in
            HardCaseKeyState(configuration: configuration, seed: master.next())
        }
        tickOrder = Array(0..<configuration.keys)
        tickPosition = configuration.keys
        segmentStartProbability = HardCaseKeyState.segmentStartProbability(configuration)
    }

    /// Writes the next row's features into `values` and returns its metadata.
    /// - Parameter values: a buffer of exactly `configuration.dimension` elements (checked).
    /// - Returns: the row's index, key and label, or `nil` once `rows` rows have been emitted
    ///   (then `values` is left untouched).
    /// - Complexity: O(dimension); no allocation.
    public mutating func next(into values: UnsafeMutableBufferPointer<Float>) -> GeneratedRowInfo? {
        guard rowsEmitted < configuration.rows else { return nil }
        precondition(
            values.count == configuration.dimension,
            "values must have exactly dimension (\(configuration.dimension)) elements")
        if tickPosition == tickOrder.count {
            shuffleTickOrder()
            tickPosition = 0
        }
        let key = tickOrder[tickPosition]
        tickPosition += 1
        let (kind, movedFeature, isRegimeShift) = keyStates[key].generateRow(
            into: values, configuration: configuration,
            segmentStartProbability: segmentStartProbability)
        let info = GeneratedRowInfo(
            index: rowsEmitted, key: key, isAnomaly: kind != nil, kind: kind,
            isRegimeShift: isRegimeShift, movedFeature: movedFeature)
        rowsEmitted += 1
        return info
    }

    /// Writes the next row's features into an array; see `next(into:)`.
    /// - Parameter values: an array of exactly `configuration.dimension` elements (checked).
    /// - Returns: the row's metadata, or `nil` after the last row.
    /// - Complexity: O(dimension); no allocation when `values` is uniquely referenced.
    public mutating func next(into values: inout [Float]) -> GeneratedRowInfo? {
        values.withUnsafeMutableBufferPointer { buffer in next(into: buffer) }
    }

    /// Fisher-Yates shuffle of the tick order with the order generator.
    private mutating func shuffleTickOrder() {
        var i = tickOrder.count - 1
        while i > 0 {
            let j = Distributions.index(below: i + 1, using: &orderGenerator)
            tickOrder.swapAt(i, j)
            i -= 1
        }
    }
}
