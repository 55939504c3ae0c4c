/// A key's seasonal reference: each row is compared with the key's row one period `P`
/// earlier, coordinate by coordinate, in units of the running mean absolute seasonal
/// difference. The instant score is the root mean square of those ratios; the location model's
/// score and this one are combined by their maximum (``RowStep``).
///
/// Why: a location model scores a cycle's peaks, so a cycle whose peak goes missing or flat
/// (NAB's `art_daily_flatmiddle`, an ad exchange's daily rhythm) scores low, and its anomaly
/// windows rank below chance. One period back is the natural reference for such a series.
/// With ``Season/automatic`` a key buffers its first ``Season/detectionRows`` rows and picks
/// a lag of 12 to half the buffer by the mean autocorrelation of its columns around their
/// trend lines (``choosePeriod``), if that exceeds 0.5. Until then it compares with the
/// nearer of its two previous rows (a change
/// detector without the echo of a spike on the row after it, which also keeps the threshold used
/// to the combined score); a key without a period drops the reference
/// (comparing with the previous row for good cost NAB's real series 0.01-0.02 of ROC-AUC).
/// Measured in `Docs/quality.md` ("A seasonal reference").
///
/// Robustness: each coordinate's difference enters the scale update clipped at 10 scales, so a
/// spike does not widen the reference's scale, and the reference is the raw row `P` back, so a
/// spike echoes once, `P` rows later, at most as high as itself; a corrupt value (``absurdRatio``
/// divisors off, such as 1e30) is not stored at all. No gradient step depends on
/// this score: the location estimate, its clip and its re-anchoring are unchanged.
///
/// Per-key block of `Float`s: the period (0 while an automatic key still buffers, -1 without
/// one), the sustained seasonal score, `d` scales, then a ring of `capacity` rows of `d` values
/// (row `t` at position `t mod P`, once the period is known).
public struct SeasonalReference: Sendable, Equatable {
    /// Input features per row (`d`; lags are not part of the reference).
    public let width: Int
    /// `P` of `--season P`, or 0 when each key finds its own.
    public let fixedPeriod: Int

    /// Shortest period automatic detection considers: below it a high autocorrelation only
    /// says the series is smooth.
    static let shortestPeriod = 12
    /// Autocorrelation a period must exceed to be used: above 0.5 the row one period back
    /// predicts a row better than the key's own level does (`E (x_t - x_{t-P})^2 = 2 (1 - rho)
    /// var x` around the trend), below it the reference adds only noise. Against 0.3 (the value
    /// before): NAB mean PR-AUC 0.379 -> 0.390, SMD's metrics as long univariate series
    /// (`real-data-check.py smd-metrics`) 0.304 -> 0.310 at 5-minute means and 0.279 -> 0.286
    /// at 1-minute rows, where 0.3 gave 48 of the 214 series a period (15-30 or 200-490 rows,
    /// none a day) and each group of them scored below `--season off`; 0.5 gives 23. 0.6 lost
    /// NAB's mean ROC-AUC (0.720 -> 0.702; `Docs/quality.md`).
    static let minimumCorrelation = 0.5
    /// Weight of the seasonal sustained score (an EWMA of the instant seasonal score, clipped at
    /// the threshold, like the location's): NAB mean ROC-AUC 0.644 at 0.01 against 0.623 at
    /// the location's 0.05 (measured before keys without a period dropped the reference);
    /// anomalies that break a cycle last a while.
    static let smoothing = 0.01
    /// Floor of each coordinate's divisor, in units of the location model's scale for it (its
    /// mean absolute deviation). Without it a column that mostly repeats itself (a counter at
    /// 0 between bursts) has a mean difference near 0 and every burst scores in the thousands:
    /// 5.9% of such a key's rows alerted against 0.7% without the reference, and SMD with
    /// `--season 1440` alerted on 5.3% of its normal rows. At 0.2: 0.9% and 0.15%, and NAB
    /// 0.657 / 0.251 -> 0.657 / 0.272 (0.1: 0.657 / 0.256; 0.3: 0.652 / 0.270; 0.5: 0.637).
    static let locationScaleFloor = 0.2
    /// Difference, in divisors, beyond which a value is stored as its reference (the
    /// ``RowStep`` bound of an absurd row: ten thousand thresholds).
    static let absurdRatio = 1e4
    /// Step of each coordinate's running mean absolute difference.
    static let scaleRate = 0.01
    /// Clip of a difference in the scale update, in scales.
    static let scaleClip = 10.0
    /// How far below a candidate period's autocorrelation some shorter lag's must fall: a
    /// series that repeats decorrelates before it correlates again, while a merely smooth one
    /// decays with noise bumps (which gave a traffic series a period of 14 rows, and a level
    /// step or a trend one of 14-16).
    static let troughDepth = 0.1

    /// Rows of the ring: the period when it is fixed, the detection buffer otherwise.
    public var capacity: Int { fixedPeriod > 0 ? fixedPeriod : Season.detectionRows }
    /// `Float`s per key.
    public var storageCount: Int { 2 + width + capacity * width }

    /// Whether `block` (one key's ``storageCount`` values, already finite) can come from this
    /// layout: a period it could have chosen, scales not negative.
    public func isSound(_ block: ArraySlice<Float>) -> Bool {
        guard block.count == storageCount, let period = Int(exactly: block[block.startIndex]) else { return false }
        let scales = block.dropFirst(2).prefix(width)
        let periodOK =
            fixedPeriod > 0
            ? (period == 0 || period == fixedPeriod) : (period == 0 || period == -1 || (1..<capacity / 2).contains(period))
        return periodOK && block[block.startIndex + 1] >= 0 && scales.allSatisfy { $0 >= 0 }
    }

    /// The period a key compares with (0 while an automatic key still buffers, -1 when it
    /// found none).
    @inlinable
    func period(_ block: UnsafePointer<Float>) -> Int {
        fixedPeriod > 0 ? fixedPeriod : Int(block[0])
    }

    /// Scores row `t` (the key's rows counted from 0) against its reference (each coordinate's
    /// difference over its running mean absolute difference, floored by a fifth of
    /// `locationScale`, the location model's scale), learns the scales, and stores the row; the key's first row scores 0. Chooses the period after an automatic
    /// key's buffer fills.
    /// - Complexity: O(d) per row; O(`capacity`² d / 2) once per automatic key.
    func instantScore(
        x: UnsafePointer<Float>, row t: Int, block: UnsafeMutablePointer<Float>, locationScale: UnsafePointer<Float>
    ) -> Double {
        let d = width
        let scales = block + 2
        let rows = block + 2 + d
        let p = period(block)
        if p < 0 { return 0 }  // no period found: the key has no seasonal reference
        // Until the period is known (and during a fixed period's first cycle) the reference is
        // the previous row; afterwards position t mod P holds row t - P. (A buffering key past
        // its buffer, which only a crafted state could hold, chooses at once.)
        let position = p > 0 ? t % p : min(t, capacity - 1)
        let reference = p > 0 && t >= p ? position : position - 1
        var sum = 0.0
        // The previous row as reference echoes a spike on the row after it (back from the
        // spike is as large a change); the nearer of the two previous rows does not.
        let fallback = !(p > 0 && t >= p) && reference >= 1
        let stored = rows + position * d
        if reference >= 0 {
            let previous = rows + reference * d
            let before = rows + (fallback ? reference - 1 : reference) * d
            for j in 0..<d {
                // Read before the row is stored: with a period, `previous` is its own slot.
                let kept = previous[j]
                let delta = min(abs(Double(x[j]) - Double(previous[j])), abs(Double(x[j]) - Double(before[j])))
                var scale = Double(scales[j])
                if scale == 0 { scale = delta }
                let divisor = max(scale, Self.locationScaleFloor * Double(locationScale[j]))
                if divisor > 0 {
                    let ratio = delta / divisor
                    sum += ratio * ratio
                }
                let next = (1 - Self.scaleRate) * scale + Self.scaleRate * min(delta, Self.scaleClip * scale)
                scales[j] = Float(min(next, Double(Float.greatestFiniteMagnitude)))
                // A value ``absurdRatio`` divisors off is a corrupt one: it is scored, but the
                // ring keeps its reference instead (stored, 1e30 echoed as an alert one period
                // later, and in the detection buffer it hid the key's period for good).
                stored[j] = divisor > 0 && delta > Self.absurdRatio * divisor ? kept : x[j]
            }
        } else {
            stored.update(from: x, count: d)
        }
        if t == 0 && fixedPeriod > 0 { block[0] = Float(fixedPeriod) }  // recorded, for inspection
        if p == 0 && position == capacity - 1 {
            guard let chosen = Self.choosePeriod(rows: rows, count: capacity, width: d) else {
                block[0] = -1
                return 0
            }
            // Keep the last `chosen` rows at their ring positions (they sit in the buffer's
            // second half, the positions in its first: no overlap).
            for row in (capacity - chosen)..<capacity {
                (rows + (row % chosen) * d).update(from: rows + row * d, count: d)
            }
            block[0] = Float(chosen)
        }
        return reference >= 0 ? (sum / Double(d)).squareRoot() : 0
    }

    /// Forgets a key's rows before row `t` (which ``instantScore`` has just stored), for a key
    /// whose first rows were absurd (``RowStep``): their ring positions take row `t` instead,
    /// and the scales start again from the next difference. Only for a key's first rows
    /// (`t` below the period and the detection buffer), which no other guard covers: the first
    /// difference sets a scale outright, and a scale of 1e30 decays at 1% a row.
    func forgetRows(before t: Int, x: UnsafePointer<Float>, block: UnsafeMutablePointer<Float>) {
        let p = period(block)
        guard p >= 0 && t < (p > 0 ? p : capacity) else { return }
        let rows = block + 2 + width
        for earlier in 0..<t { (rows + earlier * width).update(from: x, count: width) }
        (block + 2).update(repeating: 0, count: width)
    }

    /// The shortest lag in `shortestPeriod ..< count / 2` whose mean autocorrelation over the
    /// columns that vary (around each column's trend line) is a local maximum (inside that
    /// range) within 10% of the highest and at least ``troughDepth`` above some shorter lag's,
    /// if the highest exceeds ``minimumCorrelation``, moved to the highest lag of its hill
    /// (within a tenth of it further); nil otherwise. (Multiples of a period correlate about
    /// as well as the period itself, and noise decides which of them is highest.)
    static func choosePeriod(rows: UnsafePointer<Float>, count: Int, width d: Int) -> Int? {
        let lags = shortestPeriod..<(count / 2)
        guard lags.count >= 3 else { return nil }
        var correlations = [Double](repeating: -1, count: lags.upperBound + 1)
        var means = [Double](repeating: 0, count: d)
        for t in 0..<count {
            for j in 0..<d { means[j] += Double(rows[t * d + j]) }
        }
        for j in 0..<d { means[j] /= Double(count) }
        // Correlated around each column's least-squares line through the buffer, not its mean:
        // a cycle repeats around a trend, and a trend alone correlates at every lag. The
        // residuals are computed once.
        let center = Double(count - 1) / 2
        var spread = 0.0
        for t in 0..<count { spread += (Double(t) - center) * (Double(t) - center) }
        var residuals = [Double](repeating: 0, count: count * d)
        var varies = [Bool](repeating: false, count: d)
        for j in 0..<d {
            var covariance = 0.0
            var largest: Float = 0
            for t in 0..<count {
                covariance += (Double(t) - center) * (Double(rows[t * d + j]) - means[j])
                largest = max(largest, abs(rows[t * d + j]))
            }
            let slope = covariance / spread
            var squares = 0.0
            for t in 0..<count {
                residuals[t * d + j] = Double(rows[t * d + j]) - means[j] - slope * (Double(t) - center)
                squares += residuals[t * d + j] * residuals[t * d + j]
            }
            // A column on an exact line (a counter, a clock) leaves only `Float` rounding, whose
            // regular pattern correlated at some lag (a ramp `0.1 t` got a period of 15 rows).
            varies[j] = (squares / Double(count)).squareRoot() > 4 * Double(largest.ulp)
        }
        for lag in lags {
            var total = 0.0
            var columns = 0
            for j in 0..<d where varies[j] {
                var cross = 0.0
                var early = 0.0
                var late = 0.0
                for t in 0..<(count - lag) {
                    let a = residuals[t * d + j]
                    let b = residuals[(t + lag) * d + j]
                    cross += a * b
                    early += a * a
                    late += b * b
                }
                guard early > 0 && late > 0 else { continue }
                total += cross / (early * late).squareRoot()
                columns += 1
            }
            if columns > 0 { correlations[lag] = total / Double(columns) }
        }
        let highest = correlations.max() ?? -1
        guard highest > minimumCorrelation else { return nil }
        var lowest = Double.infinity
        let first = lags.dropFirst().first { lag in
            lowest = min(lowest, correlations[lag - 1])
            return correlations[lag] >= 0.9 * highest && correlations[lag] >= correlations[lag - 1]
                && correlations[lag] >= correlations[lag + 1] && lowest <= correlations[lag] - troughDepth
        }
        // The top of that lag's hill: noise makes the first local maximum of a noisy peak sit
        // on its flank (273 rows for a 288-row cycle of Poisson counts; now 292).
        guard let first else { return nil }
        let hill = first...min(first + first / 10, lags.upperBound - 1)
        return hill.max { correlations[$0] < correlations[$1] } ?? first
    }
}
