import ClipStreamKernels

// The reported score and the constants that shape it: the sustained score, its clip and weight,
// the seasonal reference's share, and the veto of alerts the ranking calls ordinary.
extension RowStep {
    /// The reported score: the larger of the instant score and ``persistenceWeight`` times the
    /// sustained score.
    ///
    /// The instant score is the root mean square of `z`, about 1.25 for a typical row because
    /// the scale step holds `E|z_j|` near 1, so it is unit-free without dividing by `m` (which
    /// would follow a long anomaly segment and hide it). The sustained score, an exponential
    /// moving average of the instant score clipped at ``sustainedCap`` thresholds, ranks a run
    /// of unusual rows above isolated noise; the clip bounds one row's effect on it (a spike
    /// does not leave a tail of high scores behind it) and the maximum keeps a spike at full
    /// height. At smoothing 1 (instant only) the weight does not apply. With a residual
    /// whitening, the instant score here is the whitened one (``ResidualWhitening``).
    ///
    /// With a seasonal reference, its instant score gets its own sustained score (kept in the
    /// key's seasonal block), and the reported score is the largest of the four.
    func combinedScore(
        instant: Double, seasonal: Double?, limit: Double, state: UnsafeMutablePointer<KeyState>,
        block: UnsafeMutablePointer<Float>?
    ) -> Double {
        let b = configuration.scoreSmoothing
        let cap = Self.sustainedCap * limit
        let weight = b < 1 ? Self.persistenceWeight : 1
        let sustained = (1 - b) * state.pointee.sustainedScore + b * min(instant, cap)
        state.pointee.sustainedScore = sustained
        guard let seasonal, let block else { return max(instant, weight * sustained) }
        let c = SeasonalReference.smoothing
        let seasonalSustained = (1 - c) * Double(block[1]) + c * min(seasonal, cap)
        block[1] = Float(seasonalSustained)
        return max(instant, weight * sustained, seasonal, weight * seasonalSustained)
    }

    /// The instant score of the row's own coordinates, without its lags (the first
    /// `dimension` of `z`).
    ///
    /// With lags the model sees a window of rows, and its instant score (the window's RMS)
    /// ranks a run of unusual rows above a lone one; but a spike stays in the window for `L`
    /// rows, and alerting on the window echoed it `L` times (NAB at 8 lags: 21 false alarms
    /// per 1,000 on one series). Alerts follow the row itself; the ranking keeps the window.
    ///
    /// On the overflow path (`overflowedRow`: a row whose window holds a value like 1e30) `z`
    /// holds only a unit direction, so the row's own part is recomputed from it in `Double`;
    /// taking the window's score there made the 8 normal rows after one such row alert.
    func currentRowScore(
        _ z: UnsafePointer<Float>, overflowedRow: UnsafePointer<Float>?,
        theta: UnsafePointer<Float>, scale: UnsafePointer<Float>
    ) -> Double {
        let width = configuration.dimension
        if let x = overflowedRow {
            var sum = 0.0
            for j in 0..<width {
                let v = (Double(x[j]) - Double(theta[j])) / Double(scale[j])
                sum += v * v
            }
            return (sum / Double(width)).squareRoot()
        }
        var sum: Float = 0
        for j in 0..<width { sum += z[j] * z[j] }
        return (Double(sum) / Double(width)).squareRoot()
    }

    /// Share of its threshold a whitening key's ranking score must reach for a row to alert.
    ///
    /// Decisions follow the plain score, whose threshold the key learns; but a row far off in
    /// plain terms can be one the ranking score calls ordinary: its columns (or its value and
    /// its lags) moving as the key's covariance has learned they do, or a spike the key repeats
    /// every period (the seasonal reference). Such alerts were mostly false, and they were the
    /// alerts the report lifted to their threshold, which cost SMD's PR-AUC 0.008. Swept on
    /// the real data (SMD group 1: PR-AUC, segments detected of 104, false alarms per 1,000 per
    /// machine; NAB: PR-AUC, segments of 34, alert precision, worst false alarms per 1,000; the
    /// demo's alert recall): 0 (no veto) 0.401, 83, 0.1-5.9; 0.368, 22, 0.70, 7.3; 0.454.
    /// 0.3: 0.402, 83; 0.372, 22, 0.78, 4.9. **0.5**: 0.406, 83, 0.1 4.1 4.0 0.8 5.8 3.2 2.5;
    /// 0.371, 21, 0.78, 4.9; 0.454. 0.8: 0.409, 75, 0.0-4.5; 0.371, 19. 1: 0.409, 71; 0.371,
    /// 18; 0.403. A key without a whitening keeps the plain decisions. `Docs/quality.md`.
    static let explainedAlertRatio = 0.5

    /// Clip of the instant score entering the sustained score, in thresholds. At 1 a run of
    /// rows far above the threshold (an anomaly segment) sustained no more than one just above
    /// it, so SMD's segments ranked below its isolated unlabelled spikes. SMD group 1 mean
    /// ROC-AUC / PR-AUC at 1, 2, 3, 4, 5, 10: 0.875 / 0.329, 0.884 / 0.351, 0.886 / 0.361,
    /// 0.887 / 0.365, 0.887 / 0.368, 0.887 / 0.370; the demo 0.994 / 0.806 at 1 and 0.993 /
    /// 0.802-0.803 at 2-10; NAB 0.657 / 0.272 -> 0.658 / 0.275 at 4.
    static let sustainedCap = 4.0

    /// Weight of the sustained scores against the instant ones in the reported score. Real
    /// telemetry labels runs (SMD's anomaly segments, NAB's windows) and leaves isolated spikes
    /// unlabelled, so persistence should outrank a lone spike of the same height; the hard
    /// case (`clipstream demo`) labels single rows and leaves its regime shifts, runs until
    /// re-anchoring, unlabelled, so it pays. At 1 / 1.2 / 1.3 / 1.4 / 1.5: SMD group 1 mean
    /// ROC-AUC / PR-AUC / pooled 0.887 / 0.365 / 0.856, 0.891 / 0.383 / 0.862, 0.892 / 0.389 /
    /// 0.863, 0.892 / 0.393 / 0.864, 0.892 / 0.396 / 0.864; NAB 0.677 / 0.337, 0.681 / 0.358,
    /// 0.688 / 0.368, 0.691 / 0.377, 0.685 / 0.383; the demo's pooled ROC-AUC 0.993, 0.987,
    /// 0.983, 0.978, 0.972. 1.3 keeps the hard case 0.01 above its bar of 0.97 on every seed
    /// tried (0.983-0.987); the real data alone would take more.
    static let persistenceWeight = 1.3
}
