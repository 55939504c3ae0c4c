#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hidden state of one key of ``HardCaseStream``: its moving mean, fixed scales and
/// constants, and the anomaly segment in progress.
///
/// Each key owns its generator, seeded from the stream's seed, so a key's values depend only on
/// the seed and the key's index, never on the interleaving of keys (which has its own generator).
struct HardCaseKeyState: Sendable {
    /// This key's private random stream.
    var generator: SeededGenerator
    /// Noise standard deviation of each column (for constant columns: the size of the constant).
    let scales: [Double]
    /// Current mean of each column; constant columns hold their constant here.
    private(set) var mean: [Double]
    /// Per-row change of the mean from slow drift (0 in constant columns).
    let driftStep: [Double]
    /// Number of leading, non-constant columns.
    let varyingCount: Int
    /// Rows of this key between regime shifts; 0 when shifts are disabled.
    let shiftPeriod: Int
    /// Rows of this key emitted so far.
    private(set) var rowCount = 0
    /// Rows left in the anomaly segment in progress (0: none).
    private var segmentRemaining = 0
    /// Kind of the anomaly segment in progress.
    private var segmentKind = AnomalyKind.spikeAll
    /// Coordinate moved by a `spike-one` segment.
    private var segmentCoordinate = 0
    /// Sign per coordinate of the segment in progress (only index 0 for `spike-one`); reused so
    /// that generating a row never allocates.
    private var segmentSigns: [Double]

    /// Draws a key's scales, mean, constants, drift direction and shift period.
    init(configuration c: HardCaseConfiguration, seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let d = c.dimension
        varyingCount = d - c.constantColumns
        // Log-uniform scales: equally many columns per decade, so a detector that does not
        // standardize sees its distance dominated by the few largest columns.
        var scales = [Double](repeating: 0, count: d)
        for j in 0..<d {
            scales[j] = pow(10, -2 + c.scaleDecades * Distributions.uniform(using: &g))
        }
        self.scales = scales
        // Means about 3 scales from zero (N(0, 9) in scale units), so negating a row moves it
        // about 6 scales per coordinate.
        var mean = [Double](repeating: 0, count: d)
        for j in 0..<d {
            mean[j] = 3 * scales[j] * Distributions.standardNormal(using: &g)
        }
        // The first constant column is exactly 0 (a dead counter); the others are random.
        if varyingCount < d { mean[varyingCount] = 0 }
        self.mean = mean
        let direction = Distributions.unitVector(dimension: varyingCount, using: &g)
        var driftStep = [Double](repeating: 0, count: d)
        for j in 0..<varyingCount { driftStep[j] = c.driftPerRow * scales[j] * direction[j] }
        self.driftStep = driftStep
        if c.regimeShiftEvery > 0 {
            // Jitter of ±20% keeps keys from shifting in lockstep.
            let jitter = 0.8 + 0.4 * Distributions.uniform(using: &g)
            shiftPeriod = max(1, Int((Double(c.regimeShiftEvery) * jitter).rounded()))
        } else {
            shiftPeriod = 0
        }
        segmentSigns = [Double](repeating: 1, count: d)
        generator = g
    }

    /// Probability that an eligible row starts a segment, chosen so that the long-run share of
    /// anomalous rows past warm-up is `anomalyFraction`: a renewal cycle is a geometric number
    /// of normal rows (mean `(1 - q) / q`) then `L` anomalous ones, so the share is
    /// `L q / (L q + 1 - q)`, which equals `f` for `q = f / (L (1 - f) + f)` (q = f when L = 1).
    static func segmentStartProbability(_ c: HardCaseConfiguration) -> Double {
        let f = c.anomalyFraction
        let length = Double(c.anomalySegmentLength)
        return f / (length * (1 - f) + f)
    }

    /// Advances the key by one row and writes that row's features into `values`.
    /// - Returns: the row's anomaly kind (`nil` for a normal row), the feature a `spike-one`
    ///   anomaly moves, and whether a regime shift happened just before it.
    /// - Complexity: O(dimension); no allocation.
    mutating func generateRow(
        into values: UnsafeMutableBufferPointer<Float>,
        configuration c: HardCaseConfiguration,
        segmentStartProbability: Double
    ) -> (kind: AnomalyKind?, movedFeature: Int?, isRegimeShift: Bool) {
        let n = rowCount
        rowCount += 1
        if n > 0 {
            for j in 0..<varyingCount { mean[j] += driftStep[j] }
        }
        let isRegimeShift = shiftPeriod > 0 && n > 0 && n >= c.warmupRows && n % shiftPeriod == 0
        if isRegimeShift {
            for j in 0..<varyingCount {
                mean[j] +=
                    c.regimeShiftMagnitude * scales[j]
                    * Distributions.standardNormal(using: &generator)
            }
        }
        // A regime-shift row never starts an anomaly, so that it is unambiguously normal.
        if segmentRemaining == 0, n >= c.warmupRows, !isRegimeShift, segmentStartProbability > 0,
            Distributions.uniform(using: &generator) < segmentStartProbability
        {
            startSegment(length: c.anomalySegmentLength)
        }
        var kind: AnomalyKind? = nil
        if segmentRemaining > 0 {
            kind = segmentKind
            segmentRemaining -= 1
        }
        let spikeOneSize = max(4 * c.spikeMagnitude, 3 * Double(c.dimension).squareRoot())
        for j in 0..<varyingCount {
            var x =
                mean[j]
                + scales[j]
                * Distributions.studentT(
                    degreesOfFreedom: c.tailDegreesOfFreedom, using: &generator)
            switch kind {
            case nil: break
            case .spikeAll: x += c.spikeMagnitude * scales[j] * segmentSigns[j]
            case .spikeOne:
                if j == segmentCoordinate { x += spikeOneSize * scales[j] * segmentSigns[0] }
            case .signFlip: x = -x
            case .shiftAll: x += c.shiftMagnitude * scales[j] * segmentSigns[j]
            }
            values[j] = Float(x)
        }
        // Constant columns stay constant in every row, anomalies included.
        for j in varyingCount..<mean.count { values[j] = Float(mean[j]) }
        return (kind, kind == .spikeOne ? segmentCoordinate : nil, isRegimeShift)
    }

    /// Draws the kind, signs and coordinate of a new anomaly segment of `length` rows.
    private mutating func startSegment(length: Int) {
        segmentKind = AnomalyKind.allCases[Distributions.index(below: 4, using: &generator)]
        segmentCoordinate = Distributions.index(below: varyingCount, using: &generator)
        for j in 0..<varyingCount { segmentSigns[j] = Distributions.sign(using: &generator) }
        segmentRemaining = length
    }
}
