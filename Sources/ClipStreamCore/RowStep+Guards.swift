import ClipStreamKernels

// The tests that tell a gross corruption or a blind threshold from the data's own spikes and
// shifts, and the constants they compare against.
extension RowStep {
    /// Clip factor below which a row's pull on the scales is bounded like its pull on theta:
    /// a row pulling more than 1 / this many clip thresholds is a gross corruption, not a spike
    /// of the data. Unbounded, 10% of rows at 1e3-1e6 noise norms grew every scale some
    /// 10,000-fold (the scale step's equilibrium puts them at about 10 scales), which made
    /// the clip meaningless: tracking error 2.0 against 0.013 for the location alone
    /// (`clipstream experiment tracking`).
    static let absurdClipFactor = 0.005

    /// Pull, in clip levels (median pulls), beyond which a row counts towards a far run. A
    /// shift of 10 noise scales pulls about 12 clip levels; stationary rows exceed 3 rarely,
    /// and 100 in a row never (`clipstream experiment tracking`: abrupt shifts among 10%
    /// huge corruptions went unseen by the threshold, and the estimate took some 17,000
    /// samples to walk over).
    static let shiftPullRatio = 3.0

    /// Whether frequent gross corruptions have lifted the threshold out of reach of any shift:
    /// the key's 0.98 score quantile (``ScoreThreshold/referenceQuantile(_:)``: `q_hi` at the
    /// default `--threshold-quantile`, the threshold below 0.98) sits ``blindThresholdRatio``
    /// median instant scores up (see there).
    func isBlind(referenceQuantile: Double, clipLevel m: Double) -> Bool {
        referenceQuantile > Self.blindThresholdRatio * m * rootMeanSquareFactor
            && referenceQuantile > Self.blindThresholdRatio * ScoreThreshold.minimumThreshold / 3
    }

    /// Clip level below which a key is degenerate rather than healthy: a typical row pulls
    /// about `1.25 sqrt d` standardized units, so `m` far below 1 means the key repeated itself
    /// (idle) and its scales sat at their floors. Its next ordinary rows look gross against
    /// them, yet must regrow the scales: the gross-row guards apply to healthy keys only.
    static let healthyClipLevel = 0.1

    /// Fewest own columns off by 2 scales that make a far row "spread" (``isFarAndSpread``).
    static let spreadColumns = 4

    /// Whether a row is ignored by the step (``Configuration/redescendPullRatio``): it pulls
    /// beyond `R` median pulls and is off by more than 2 scales in more than half of its
    /// coordinates (and in at least 4 of them): a corruption spread over the whole row.
    ///
    /// The clip bounds such a row's influence but not its bias: 10% of rows moved `5 sqrt(d)`
    /// along one fixed direction (a coordinated poisoning) pulled the clipped estimate 0.27
    /// noise scales off per coordinate at d = 100, and 30% of them 1.5, as far as the running
    /// mean (`clipstream experiment tracking`: 0.010 and 0.010 when they are ignored). Rows
    /// off in a few columns keep their clipped step and their full pull on the scales: SMD's
    /// spikes need them (ignoring every row beyond 3 median pulls, theta and scales alike,
    /// cost SMD group 1 0.16 of ROC-AUC). A real shift is followed by re-anchoring: a run of
    /// ignored rows counts as a far run.
    func isFarAndSpread(pull: Double, clipLevel m: Double, z: UnsafePointer<Float>) -> Bool {
        let ratio = configuration.redescendPullRatio
        // A degenerate key (idle, scales at their floors) must regrow its scales from its next
        // ordinary rows, which all look far: only healthy keys ignore rows.
        guard ratio > 0 && pull > ratio * m && m >= Self.healthyClipLevel else { return false }
        // The row's own coordinates only: its lags are copies of earlier rows, so "off in most
        // of them" would call a level shift of a narrow series (which must be followed) a
        // corruption of the whole row (a step series at 8 lags alerted on 5% of its rows).
        let d = configuration.dimension
        var far = 0
        for j in 0..<d where z[j].magnitude >= 2 { far += 1 }
        return 2 * far > d && far >= Self.spreadColumns
    }

    /// Whether most coordinates of a row are far off (`|z_j| >= 10`): a gross corruption of
    /// the whole row rather than a spike in a few columns. Server telemetry's spikes sit in a
    /// few columns and must keep growing those scales (bounding them whenever the clip factor
    /// fell below ``absurdClipFactor`` cost SMD group 1 0.084 of ROC-AUC); a corrupted row in
    /// a random direction is off in every coordinate.
    static func isSpreadOut(_ z: UnsafePointer<Float>, count: Int) -> Bool {
        var far = 0
        for j in 0..<count where z[j].magnitude >= 10 { far += 1 }
        return 2 * far > count
    }

    /// Score quantile at 0.98 (`q_hi` at the default `--threshold-quantile`), in median instant
    /// scores (`m / sqrt d`), above which the threshold counts as blind: gross corruptions are
    /// so frequent (more than 2% of the rows) that they set the quantiles it extrapolates
    /// from. Only then do far runs re-anchor (on SMD group 1 they cost 0.03 of ROC-AUC
    /// otherwise). The quantile must also be high in absolute terms (above 15, ten times the
    /// threshold's floor): an idle key's median pull collapses to its floor, and its first
    /// normal rows afterwards would otherwise count as far and re-anchor it again and again.
    ///
    /// Judged on `q_hi`, not on the threshold extrapolated from it: a key with a heavy but
    /// clean tail (rare spikes of hundreds of clip levels) has a threshold 30 median scores up
    /// while `q_hi` is not. Judged on the threshold, such a key re-anchored on 100 rows of a
    /// long incident pulling 12-45 clip levels, below its threshold, and scored the rest of
    /// the incident as normal (SMD machine 1-7 at 24 of its 38 metrics: 1,215 labelled rows
    /// at a median score of 0.02, ROC-AUC 0.577; judged on `q_hi`, 0.913). On SMD group 1 at
    /// widths 4-32 (ten draws of metrics) mean ROC-AUC rose 0.037-0.048 on seven draws and held
    /// on three; on SMD, NAB and the long univariate series it moved 0.003 at most
    /// (`Docs/quality.md`, "When the threshold is blind"). Judged on `q_0.9` it failed the
    /// tracking test with 10% huge corruptions (the level 0.9 sits on their edge), as judging
    /// on `q_hi` did under `--threshold-quantile 0.9` (hence the fixed level, and the threshold
    /// below it); never blind, a key that started on `Float`'s largest value kept its
    /// estimate near 3e38.
    static let blindThresholdRatio = 30.0

    /// A run re-anchors the estimate on one row, so that row must not be a corrupted one: a
    /// row whose pull exceeds this many clip levels is passed over (the run goes on) for up to
    /// ``anchorPatience`` rows. A regime shift of 10 noise scales pulls about 10 clip levels;
    /// a corrupted sample 1e3-1e6. Without it, abrupt shifts among 10% huge corruptions left
    /// the estimate on a corrupted row, and the clipped steps needed some 17,000 samples to
    /// walk back (`clipstream experiment tracking`).
    static let anchorPullRatio = 100.0
    /// Rows past `restartAfter` a run waits for a row to anchor on before it takes any row (a
    /// shift larger than ``anchorPullRatio`` clip levels must still re-anchor).
    static let anchorPatience = 10

    /// Instant score, in thresholds, above which a row's pull on the scales is bounded (1e3
    /// cost NAB 0.006 of ROC-AUC and doubled its false alarms; 1e4 and 1e6 change neither
    /// SMD nor NAB).
    static let absurdScoreRatio = 1e4

    /// Whether a row is absurd: its instant score over ``absurdScoreRatio`` thresholds.
    static func isAbsurd(instant: Double, limit: Double) -> Bool {
        instant > absurdScoreRatio * limit
    }

    /// Whether `gap` is absurd next to `value`: over ``absurdStartRatio`` times its magnitude
    /// (at least 1). The test of an absurd starting pair and of an absurdly far estimate.
    @inline(__always)
    static func isAbsurd<T: BinaryFloatingPoint>(gap: T, next value: T) -> Bool {
        gap > T(absurdStartRatio) * max(abs(value), 1)
    }

    /// Instant score below which a row is "far inside every normal row": the root mean square
    /// of `z` is about 1.25 for a typical row, so 100 rows in a row below 0.001 whose scores
    /// still vary mean scales some 1,000 times too wide (300 rows at 10^5 re-anchored a key on
    /// that level, and back, with the burst's scales kept: it scored 10^-4 for 6,000 rows). The
    /// variation test spares a key whose data stopped varying. Cost on the real data: NAB's
    /// sparse `art_load_balancer_spikes` (exact zeros between spikes) trips it, 0.75 -> 0.69
    /// ROC-AUC (NAB mean 0.591 -> 0.587); SMD and the demo do not change. At 0.01 it tripped
    /// there too; without the variation test also on constant stretches.
    static let deflatedScore = 0.001
    /// Consecutive warm-up rows pulling beyond ``shiftPullRatio`` times `m` that re-anchor a key.
    static let warmupShiftRows = 20

    /// Whether the estimate sits absurdly far from the row in one of its own coordinates: more
    /// than ``absurdStartRatio`` times the row's magnitude (at least 1) away. Only a corrupt
    /// start or a collapse of the level by ten thousand times or more puts it there.
    /// - Complexity: O(d).
    func estimateIsAbsurdlyFar(x: UnsafePointer<Float>, theta: UnsafePointer<Float>) -> Bool {
        // In Float: a difference that overflows is infinite, hence far; a limit that overflows
        // (a row beyond 3e34) is infinite, hence not: the test is relative to the row.
        var far: Int32 = 0
        for j in 0..<configuration.dimension {
            far |= Self.isAbsurd(gap: abs(x[j] - theta[j]), next: x[j]) ? 1 : 0
        }
        return far != 0
    }

    /// Whether some coordinate still varies (the row is off the estimate by more than the
    /// floor) under a scale well above its floor: re-estimating would shrink that scale. A key
    /// whose data stopped varying fails this and keeps its scales.
    func scalesInflated(
        x: UnsafePointer<Float>, scale: UnsafeMutablePointer<Float>, theta: UnsafeMutablePointer<Float>
    ) -> Bool {
        let floors = scaleStep(rate: 0)
        for j in 0..<configuration.modelDimension {
            let floor = floors.floor(theta: theta[j])
            if scale[j] > 2 * floor && abs(x[j] - theta[j]) > floor { return true }
        }
        return false
    }
}
