/// The parameters of ``HardCaseStream``, a labelled stream built to be hard for a per-key
/// streaming detector. Defaults give the stream used by `clipstream demo`.
///
/// Magnitudes are in units of each coordinate's own scale (its noise standard deviation), so they
/// describe the same difficulty whatever `scaleDecades` is. Call ``validate()`` (the stream's
/// initializer does) before use.
public struct HardCaseConfiguration: Sendable, Equatable, Hashable {
    /// Total rows over all keys; the stream ends after this many.
    public var rows: Int = 200_000
    /// Number of keys (hosts), each with its own mean, scales and constants.
    public var keys: Int = 8
    /// Number of feature columns per row.
    public var dimension: Int = 32
    /// Seed of every random choice; equal configurations give bit-identical streams.
    public var seed: UInt64 = 1
    /// Degrees of freedom of the Student-t noise (scaled to unit variance); must exceed 2.
    /// Smaller is heavier-tailed; `.infinity` gives Gaussian noise.
    public var tailDegreesOfFreedom: Double = 4
    /// Probability that a row after its key's warm-up is an anomaly, in [0, 0.5]. Over the whole
    /// stream the anomaly fraction is this times the share of rows past warm-up.
    public var anomalyFraction: Double = 0.01
    /// Rows per key, at the start of that key, with neither anomalies nor regime shifts, so a
    /// detector can learn the key's location and scale first.
    public var warmupRows: Int = 200
    /// Size of spike anomalies in scales: `spike-all` moves every non-constant coordinate by this
    /// much; `spike-one` moves one coordinate by `max(4 * spikeMagnitude, 3 * sqrt(dimension))`.
    public var spikeMagnitude: Double = 12
    /// Size of `shift-all` anomalies in scales, per non-constant coordinate.
    ///
    /// Moderate next to the spikes, yet beyond the noise: with Student-t (df 4) noise a shift of
    /// 3 scales puts the anomalies' 5th percentile at the inliers' 99.9th (an oracle that knows
    /// the true means catches few of them at a 0.1% false-alarm rate); 5 scales separates them.
    public var shiftMagnitude: Double = 5
    /// Rows of the same key that one anomaly event covers (same kind, signs and coordinate,
    /// fresh noise). The default 1 makes every anomaly a single row.
    public var anomalySegmentLength: Int = 1
    /// Mean period, in rows of one key, of abrupt regime shifts of that key's mean; each key's
    /// period is jittered by up to ±20%. Regime-shift rows are normal (label 0). 0 disables.
    public var regimeShiftEvery: Int = 5_000
    /// Size of a regime shift: each non-constant coordinate's mean moves by
    /// `regimeShiftMagnitude * scale_j * N(0, 1)`.
    public var regimeShiftMagnitude: Double = 4
    /// Slow drift of each key's mean per row of that key: the mean moves, in standardized
    /// units, by this Euclidean length per row along a fixed random direction per key.
    public var driftPerRow: Double = 0.0005
    /// Number of constant columns, the last ones of each row; the first of them is 0 for every
    /// key and the others hold a random constant per key. Must be below `dimension`.
    public var constantColumns: Int = 3
    /// Decades spanned by the per-key, per-dimension scales, which are log-uniform over
    /// `10^-2 ... 10^(scaleDecades - 2)`; in [0, 24] so values stay far from `Float`'s range.
    public var scaleDecades: Double = 4

    /// Creates the default configuration (the `clipstream demo` stream).
    public init() {}

    /// Most keys a stream may have (each holds its state in memory while it is generated).
    public static let maximumKeys = 10_000_000
    /// Widest row a stream may have.
    public static let maximumDimension = 1 << 16
    /// Largest magnitude, in scale units: with scales over 24 decades, values stay well
    /// inside `Float` (a spike of 1e38 overflowed to infinity and trapped the writer).
    public static let maximumMagnitude = 1e6

    /// Checks every parameter and throws the first violation found.
    /// - Throws: ``SyntheticConfigurationError`` naming the parameter and its bad value.
    /// - Complexity: O(1).
    public func validate() throws(SyntheticConfigurationError) {
        guard rows >= 1 else { throw .rowsNotPositive(rows) }
        guard keys >= 1 else { throw .keysNotPositive(keys) }
        guard keys <= Self.maximumKeys else { throw .keysTooMany(keys) }
        guard dimension >= 1 else { throw .dimensionNotPositive(dimension) }
        guard dimension <= Self.maximumDimension else { throw .dimensionTooLarge(dimension) }
        guard constantColumns >= 0, constantColumns < dimension else {
            throw .constantColumnsOutOfRange(constantColumns: constantColumns, dimension: dimension)
        }
        // `!(x > 2)` also rejects NaN.
        guard tailDegreesOfFreedom > 2 else {
            throw .degreesOfFreedomTooSmall(tailDegreesOfFreedom)
        }
        guard anomalyFraction >= 0, anomalyFraction <= 0.5 else {
            throw .anomalyFractionOutOfRange(anomalyFraction)
        }
        guard warmupRows >= 0 else { throw .warmupRowsNegative(warmupRows) }
        guard anomalySegmentLength >= 1 else {
            throw .anomalySegmentLengthNotPositive(anomalySegmentLength)
        }
        guard regimeShiftEvery >= 0 else { throw .regimeShiftEveryNegative(regimeShiftEvery) }
        let magnitudes: [(SyntheticConfigurationError.Magnitude, Double)] = [
            (.spikeMagnitude, spikeMagnitude), (.shiftMagnitude, shiftMagnitude),
            (.regimeShiftMagnitude, regimeShiftMagnitude), (.driftPerRow, driftPerRow),
        ]
        for (name, value) in magnitudes where !(value >= 0 && value <= Self.maximumMagnitude) {
            throw .magnitudeInvalid(name, value)
        }
        guard scaleDecades >= 0, scaleDecades <= 24 else {
            throw .scaleDecadesOutOfRange(scaleDecades)
        }
    }
}
