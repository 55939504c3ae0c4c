import RealModule

/// Maps a key's raw score to its surprise against the key's own history:
/// `-log10` of the share of the key's past rows that scored higher.
///
/// Operators set one threshold for a fleet, so scores must mean the same on every key; the raw
/// RMS score does not (a machine with a heavy-tailed normal regime outranks another machine's
/// anomalies: pooled ROC-AUC 0.826 against a per-key mean of 0.879 on SMD group 1).
///
/// Each key keeps a decayed histogram of its raw scores with a memory of `horizon` rows:
/// `binsPerDoubling` log-spaced bins per factor of 2 from `lowest` up, on the piecewise-linear
/// `log2` read off the `Double`'s bits (monotone, no `log` call), interpolated within a bin.
/// A row's calibrated score is `log10((N + 1) / (A + 1/2))`, `N` the histogram's mass and `A`
/// the mass above the raw score; beyond the highest occupied bin it keeps growing with `log10`
/// of the raw score's ratio to that bin's top, so it is never clamped to a ceiling. The map is
/// monotone for a given history, so within a key it ranks rows like the raw score; the decision
/// (alert or not) is still taken on the raw score, and the reported threshold goes through the
/// same map.
///
/// Resolution: with 4 bins per doubling a Gaussian key's 99th percentile calibrated to 1.77
/// instead of 2 (the interpolation overstates the mass above a point where the density falls
/// fast) against 1.99 for a Student-t key; 8 per doubling gives 1.93 and 1.99.
public struct ScoreCalibration: Sendable, Equatable {
    /// Bins: 20 doublings, raw scores from 0.05 to 52,000 (higher ones extrapolate).
    public static let binCount = 160
    /// Bins per block; each block's sum is kept too, so the mass above a score takes at most
    /// half the blocks and one block's bins.
    public static let blockSize = 8
    /// `Float`s per key: the bins, then the block sums.
    public static let storageCount = binCount + binCount / blockSize
    /// Bins per doubling of the raw score (a bin spans a factor of about 1.09).
    public static let binsPerDoubling = 8
    /// Lower edge of the first bin; lower scores count in it.
    public static let lowest = 0.05
    /// Rows of memory: each new row weighs `1 / (1 - 1/horizon)` times the previous one.
    public static let horizon = 100_000

    /// `log10` of the raw score per bin.
    @usableFromInline static let binWidth = Double.log10(2) / Double(binsPerDoubling)
    @usableFromInline static let growth = 1 / (1 - 1 / Double(horizon))
    /// Weight at which the histogram is rescaled (keeps every count finite in `Float`).
    @usableFromInline static let rescaleWeight = 1e30

    /// Creates the calibration (its constants are fixed; see the type's documentation).
    public init() {}

    /// Position of `raw` on the bin axis (bin index plus the fraction within the bin; beyond
    /// the last bin for scores above its range).
    @inlinable
    static func position(_ raw: Double) -> Double {
        (bitLog2(max(raw, lowest)) - bitLog2(lowest)) * Double(binsPerDoubling)
    }

    /// `log2(v)` to within 0.09, exact at powers of 2 and linear between them (positive `v`).
    @inlinable
    static func bitLog2(_ v: Double) -> Double {
        Double(v.bitPattern) / 4_503_599_627_370_496 - 1023  // bits / 2^52 - bias
    }

    /// The calibrated score of `raw` against the key's history (before `raw` is learned).
    /// - Complexity: O(bins), on the shorter side of the raw score's bin.
    @inlinable
    public func calibrated(
        _ raw: Double, histogram: UnsafePointer<Float>, state: KeyState
    ) -> Double {
        guard state.calibrationMass > 0 else { return 0 }
        let x = Self.position(raw)
        let bin = min(Int(x), Self.binCount - 1)
        let fraction = min(x - Double(bin), 1)
        let above =
            Double(histogram[bin]) * (1 - fraction)
            + Self.massAbove(bin, histogram, mass: state.calibrationMass)
        // (N + 1) / (A + 1/2) with N and A in units of the current weight w: one division.
        let w = state.calibrationWeight
        guard above < 0.5 * w else {
            return Double.log10((state.calibrationMass + w) / (above + 0.5 * w))
        }
        // Beyond (or at the top of) the history: continue with the distance to the highest
        // occupied bin's upper edge, so new extremes still rank among themselves.
        var top = bin
        while top > 0 && histogram[top] == 0 { top -= 1 }
        let beyond = max(0, x - Double(top + 1)) * Self.binWidth
        return Double.log10((state.calibrationMass + w) / (0.5 * w)) + beyond
    }

    /// ``calibrated(_:histogram:state:)``'s "beyond the history" branch for an empty history:
    /// `log10 2` plus the distance past the lowest bin, so raw scores keep their order.
    @inlinable
    static func beyondEmptyHistory(_ raw: Double) -> Double {
        Double.log10(2) + max(0, position(raw) - 1) * binWidth
    }

    /// Mass of the bins above `bin`: the rest of its block, then whole blocks, from the shorter
    /// side (the total minus what lies below when that is fewer blocks).
    @inlinable
    static func massAbove(_ bin: Int, _ histogram: UnsafePointer<Float>, mass: Double) -> Double {
        let blocks = histogram + binCount
        let block = bin / blockSize
        let blockCount = binCount / blockSize
        if block >= blockCount / 2 {
            var sum: Float = 0
            for j in (bin + 1)..<((block + 1) * blockSize) { sum += histogram[j] }
            for b in (block + 1)..<blockCount { sum += blocks[b] }
            return Double(sum)
        }
        var below: Float = 0
        for j in (block * blockSize)...bin { below += histogram[j] }
        for b in 0..<block { below += blocks[b] }
        return max(0, mass - Double(below))
    }

    /// Adds `raw` to the key's history.
    /// - Complexity: O(1), plus O(bins) once every few million rows (rescaling).
    @inlinable
    public func learn(_ raw: Double, histogram: UnsafeMutablePointer<Float>, state: inout KeyState) {
        let bin = min(Int(Self.position(raw)), Self.binCount - 1)
        histogram[bin] += Float(state.calibrationWeight)
        histogram[Self.binCount + bin / Self.blockSize] += Float(state.calibrationWeight)
        state.calibrationMass += state.calibrationWeight
        state.calibrationWeight *= Self.growth
        if state.calibrationWeight > Self.rescaleWeight {
            let factor = 1 / state.calibrationWeight
            for j in 0..<Self.storageCount { histogram[j] = Float(Double(histogram[j]) * factor) }
            state.calibrationMass *= factor
            state.calibrationWeight = 1
        }
    }
}

extension ScoreCalibration {
    /// Replaces `result`'s score and threshold by their calibrated values against the key's
    /// history, then adds the raw score to it.
    ///
    /// A key's first two rows have no score of their own (a fixed 1), and a row the model
    /// predicted exactly (an idle key) would fill the history with zeros: neither is learned.
    @inlinable
    func report(
        _ result: inout RowScore, histogram: UnsafeMutablePointer<Float>,
        state: UnsafeMutablePointer<KeyState>
    ) {
        let raw = result.score
        let learns = state.pointee.rowCount > 2 && result.pull > 0
        if learns && state.pointee.calibrationMass == 0 && result.decision != .withheld {
            // A decided row with nothing learned before it (a key idle since its start: it
            // never varied) is beyond an empty history, rather than 0 like the idle rows (it
            // alerted at score 0.0 and threshold 0.0, tied with every idle row). A young key's
            // first learned row is withheld and keeps 0.
            result.score = Self.beyondEmptyHistory(raw)
            result.threshold = Self.beyondEmptyHistory(result.threshold)
        } else {
            result.score = calibrated(raw, histogram: histogram, state: state.pointee)
            result.threshold = calibrated(result.threshold, histogram: histogram, state: state.pointee)
        }
        if learns {
            learn(raw, histogram: histogram, state: &state.pointee)
        }
    }
}
