import ClipStreamKernels

/// One row of the location model: score, decide, then learn. Stateless itself; the key's
/// state lives in the bank.
@usableFromInline
struct RowStep {
    let configuration: Configuration
    let schedule: LearningRateSchedule
    let threshold: ScoreThreshold
    let strategy: KernelStrategy
    let calibration = ScoreCalibration()
    /// `1 / sqrt(d)`: the instant score is the root mean square of the standardized residual.
    let rootMeanSquareFactor: Double
    /// The key's seasonal reference, if the configuration keeps one.
    let season: SeasonalReference?
    /// The key's residual whitening, if the configuration keeps one, and where it starts in
    /// the key's reference block.
    let whitening: ResidualWhitening?
    let whiteningOffset: Int
    /// The key's alert habit, if the configuration mutes repeats, and where it starts in the
    /// key's reference block.
    let habit: AlertHabit?
    let habitOffset: Int

    @usableFromInline
    init(
        configuration: Configuration, schedule: LearningRateSchedule, threshold: ScoreThreshold,
        strategy: KernelStrategy
    ) {
        self.configuration = configuration
        self.schedule = schedule
        self.threshold = threshold
        self.strategy = strategy
        rootMeanSquareFactor = 1 / Double(configuration.modelDimension).squareRoot()
        season = configuration.seasonalLayout
        whitening = configuration.whiteningLayout
        whiteningOffset = configuration.whiteningStartInBlock
        habit = configuration.alertHabitLayout
        habitOffset = configuration.alertHabitStartInBlock
    }

    /// Floor of the clip level `m` (standardized units; a typical pull is about `1.25 sqrt d`).
    static let minimumClipLevel = 1e-3

    /// Rows of a key before its threshold starts learning: a quarter of the warm-up.
    var thresholdStart: Int { configuration.warmupRows / 4 }

    /// Scores, decides and learns one row; the score and threshold are calibrated against the
    /// key's history before the raw score joins it. The top-`explainCount` attribution is
    /// computed when the reported score is above `explainAbove` (else cleared): the step
    /// leaves `z` as it scored the row, so the attribution can wait for the score.
    func step(
        x: UnsafePointer<Float>, slot: Int, storage: BankStorage,
        z: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>,
        whiteningScratch: UnsafeMutablePointer<Double>?,
        explainCount: Int, explainAbove: Double = -.infinity,
        topIndices: UnsafeMutablePointer<Int32>, topShares: UnsafeMutablePointer<Float>
    ) -> RowScore {
        var residual = Residual()
        var result = rawStep(
            x: x, slot: slot, storage: storage, z: z, work: work, whiteningScratch: whiteningScratch,
            residual: &residual)
        if configuration.calibratesScores {
            calibration.report(&result, histogram: storage.histogram(slot), state: storage.state(slot))
        }
        // A muted repeat reports at most its threshold, below the key's raised alerts (after the
        // calibration learned its score: capped there, the key's history lost its high rows and
        // SMD's PR-AUC fell 0.407 -> 0.404).
        if result.muted { result.score = min(result.score, result.threshold) }
        if explainCount > 0 {
            if residual.isComputed && result.score > explainAbove {
                Attribution.topContributions(
                    z: z, count: configuration.modelDimension,
                    squaredNorm: residual.isWide ? 1 : residual.squaredNorm, k: explainCount,
                    indices: topIndices, shares: topShares)
            } else {
                clearAttribution(explainCount, topIndices, topShares)
            }
        }
        return result
    }

    /// The row's standardized residual as the step computed it (in the caller's `z`).
    private struct Residual {
        /// Whether `z` holds this row's residual (not on a key's first row).
        var isComputed = false
        /// `||z||^2`; with `isWide`, `z` is a unit direction computed in `Double`.
        var squaredNorm = 0.0
        var isWide = false
    }

    private func rawStep(
        x: UnsafePointer<Float>, slot: Int, storage: BankStorage,
        z: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>,
        whiteningScratch: UnsafeMutablePointer<Double>?, residual: inout Residual
    ) -> RowScore {
        let d = configuration.modelDimension
        let theta = storage.theta(slot)
        let scale = storage.scale(slot)
        let state = storage.state(slot)
        state.pointee.rowCount += 1
        let n = state.pointee.rowCount
        // Scored (and stored) on every row, so the ring never misses one.
        let block = season == nil ? nil : storage.block(slot)
        let seasonal = season.map {
            $0.instantScore(x: x, row: n - 1, block: block.unsafelyUnwrapped, locationScale: scale)
        }

        if n == 1 {
            start(x: x, theta: theta, scale: scale, state: state)
            return RowScore(
                score: 1, threshold: threshold.threshold(state.pointee), decision: .withheld,
                pull: 0, clipThreshold: 0, clipped: false)
        }

        // Standardized residual and its squared norm; the Double path only on Float overflow.
        var squaredNorm = Double(
            LocationKernels.standardizedResidual(
                x: x, theta: theta, scale: scale, into: z, count: d, strategy: strategy))
        var wide = false
        if !squaredNorm.isFinite {
            squaredNorm = WideKernels.standardizedResidual(
                x: x, theta: theta, scale: scale, direction: z, count: d)
            wide = true
            // Finite rows always give a finite Double norm; NaN or Inf here is a caller bug
            // (the CSV pipeline rejects them), and must never reach the state.
            precondition(squaredNorm.isFinite, "row contains NaN or infinity")
        }
        residual = Residual(isComputed: true, squaredNorm: squaredNorm, isWide: wide)
        let pull = squaredNorm.squareRoot()
        let instant = pull * rootMeanSquareFactor
        if n > 2 && state.pointee.scheduleRow == 2 && startedOnAbsurdPair(x: x, theta: theta, scale: scale) {
            // Before anything learns from the row: its `z` is measured against the absurd pair
            // (the whitening's running medians took it in and ranked low for 3,000 rows).
            restartOnCurrentRow(x: x, theta: theta, storage: storage, slot: slot, state: state)
            if let season, let block, n == 3 { season.forgetRows(before: n - 1, x: x, block: block) }
            return RowScore(
                score: 1, threshold: threshold.threshold(state.pointee), decision: .withheld,
                pull: pull, clipThreshold: 0, clipped: false, reanchored: true)
        }
        // The ranking score: the whitened one where the key keeps a whitening, the plain one
        // otherwise. The whitening learns the row below (nothing else reads it) once the key is
        // settled, unless the step bounds it as absurd.
        var ranking = instant
        let whiteningBlock = whitening == nil || wide ? nil : storage.block(slot) + whiteningOffset
        if let whitening, let whiteningBlock {
            ranking = whitening.rankingScore(z: z, rootMeanSquare: ranking, block: whiteningBlock)
        }

        if n > 2 && state.pointee.scheduleRow == 1 {
            // The row after a re-anchoring: widen any scale the new regime outgrew (a column
            // that was constant and now varies would otherwise stay in an alert storm for
            // thousands of rows while its floored scale grows by small steps).
            let limit = threshold.threshold(state.pointee)
            let score = combinedScore(
                instant: ranking, seasonal: seasonal, limit: limit, state: state,
                block: block)
            if state.pointee.quietRowsLeft > 1 && pull > Self.anchorPullRatio * state.pointee.clipLevel
                && (Self.isAbsurd(instant: instant, limit: limit) || (!wide && isBlind(limit: limit, clipLevel: state.pointee.clipLevel) && Self.isSpreadOut(z, count: d)))
            {
                // A corrupted row must not set the new regime's scales: not an absurd one (1e30
                // after a re-anchoring widened them to 1e29, and a narrow key then alerted on
                // none of 20 spikes in 8,000 rows), nor, under frequent gross corruption (a
                // blind threshold), one spread over the row (widened them some 1,000-fold at
                // d = 1000). The next row does, within the quiet window.
                state.pointee.quietRowsLeft -= 1
                return RowScore(
                    score: score, threshold: limit, decision: .withheld, pull: pull,
                    clipThreshold: 0, clipped: false)
            }
            widenScale(x: x, theta: theta, scale: scale, state: state, keepWider: state.pointee.rescalesNext == 0)
            state.pointee.rescalesNext = 0
            if state.pointee.quietRowsLeft > 0 { state.pointee.quietRowsLeft -= 1 }
            // Decided only without a quiet window (`--restart-quiet 0`), and then like any row
            // that passes the habit.
            var decision: AlertDecision = configuration.restartQuietRows > 0 ? .withheld : (score > limit ? .alert : .normal)
            let muted = decision == .alert && mutesRepeat(z: z, row: n, storage: storage, slot: slot)
            if muted { decision = .withheld }
            return RowScore(
                score: score, threshold: limit, decision: decision, muted: muted,
                pull: pull, clipThreshold: 0, clipped: false)
        } else if n == 2 {
            calibrate(x: x, theta: theta, scale: scale, state: state)
            return RowScore(
                score: 1, threshold: threshold.threshold(state.pointee), decision: .withheld,
                pull: pull, clipThreshold: 0, clipped: false)
        }

        let m = state.pointee.clipLevel
        let limit = threshold.threshold(state.pointee)
        let ranked = combinedScore(
            instant: ranking, seasonal: seasonal, limit: limit, state: state,
            block: block)
        // Decisions, runs and threshold learning follow the current row's instant score (with a
        // seasonal reference, the larger of both instants): the sustained one only ranks rows,
        // so it neither alerts nor skews quantiles.
        let current =
            configuration.lags == 0
            ? instant : currentRowScore(z, overflowedRow: wide ? x : nil, theta: theta, scale: scale)
        let alerting = max(current, seasonal ?? 0)
        let above = current > limit
        let quiet = state.pointee.quietRowsLeft > 0
        // A row the ranking calls ordinary does not alert (see ``explainedAlertRatio``).
        let explained = whiteningBlock != nil && ranked < Self.explainedAlertRatio * limit
        var decision: AlertDecision =
            n <= configuration.warmupRows || quiet ? .withheld : (alerting > limit && !explained ? .alert : .normal)
        let muted = decision == .alert && mutesRepeat(z: z, row: n, storage: storage, slot: slot)
        if muted { decision = .withheld }
        // An alert reports a score at or above its threshold: the ranking score (whitened) can
        // sit below the plain score the decision followed. So does a row withheld as late in
        // its run, whose score must not depend on `runAlerts`.
        let score = decision == .alert ? max(ranked, limit) : ranked
        let runCapped = decision == .alert && configuration.withholdsRunAlert(after: state.pointee)
        if runCapped { decision = .withheld }

        // A run of consecutive rows above the threshold: a regime change or an anomaly segment.
        let inRun = above && state.pointee.runLength > 0
        let ignored = n > configuration.warmupRows && !wide && isFarAndSpread(pull: pull, clipLevel: m, z: z)
        // A burst of absurd rows (1e18 in two columns, 1.6% of a key's rows) taught the
        // covariance their direction and ranked true breaks of it below normal rows for
        // thousands of rows; the clip at 100 bounds each row, not a burst. (Rows the
        // redescending influence ignores are learned: left out, the hard case's regime shifts
        // entered the covariance later, PR-AUC 0.846 -> 0.816, and SMD's 0.401 -> 0.399.)
        // Nor do the rows of the warm-up and of the quiet window after a re-anchoring, whose
        // scales are still settling: a key whose first row was 1e30 took their outsized z in at
        // weight 1/n and ranked ~30x low for 2,400 rows (now ~5x); NAB 0.704 / 0.366 -> 0.712
        // / 0.368, SMD and the demo within 0.001 or better.
        if let whitening, let whiteningBlock, n > configuration.warmupRows && !quiet,
            !Self.isAbsurd(instant: instant, limit: limit)
        {
            // `work` is free here: the BLAS update, its other user, comes after.
            whitening.learn(
                z: z, block: whiteningBlock, clipped: work, factorScratch: whiteningScratch.unsafelyUnwrapped)
        }
        if n <= configuration.warmupRows {
            // A level that moves inside the warm-up, where runs are not counted: every row pulls
            // far beyond `m` while the scale steps (|z| clipped at 1,000, rate 1/n) grow the
            // scales to the gap within a few rows, and the estimate then crawls after the rows
            // at the clipped pace (10 rows near 1e5, then a level of 10: the estimate still at
            // 838 after 8,000 rows, 0 of 15 spikes alerted), while the threshold and the score
            // history learn the gap's scores. The key starts over on the current row.
            state.pointee.farRunLength = pull > Self.shiftPullRatio * m ? state.pointee.farRunLength.saturatingIncrement : 0
            if configuration.restartAfter > 0 && Int(state.pointee.farRunLength) >= Self.warmupShiftRows
                && scalesInflated(x: x, scale: scale, theta: theta)
            {
                startOver(x: x, theta: theta, scale: scale, storage: storage, slot: slot, state: state)
                return RowScore(
                    score: 1, threshold: threshold.threshold(state.pointee), decision: .withheld, pull: 0,
                    clipThreshold: 0, clipped: false, reanchored: true)
            }
        } else if n == configuration.warmupRows + 1 {
            state.pointee.farRunLength = 0
        }
        if n > configuration.warmupRows && !quiet {
            state.pointee.runLength = above ? state.pointee.runLength.saturatingIncrement : 0
            // A run of rows that all pull far beyond the median pull: a regime change even when
            // the threshold cannot see it (frequent gross corruptions lift the score quantiles
            // above any shift, while the median pull ignores up to half the rows).
            // Only rows the threshold lets pass count (rows above it run their own count, and
            // counting them here too re-anchored inside SMD's anomaly segments: -0.03 ROC-AUC).
            let blind = isBlind(limit: limit, clipLevel: m)
            // A run of ignored rows counts too: they no longer walk the estimate over a shift.
            if pull <= Self.shiftPullRatio * m || (!blind && !ignored) {
                state.pointee.farRunLength = 0
            } else if !above {
                state.pointee.farRunLength = state.pointee.farRunLength.saturatingIncrement
            }
            let run = Int(max(state.pointee.runLength, state.pointee.farRunLength))
            if configuration.restartAfter > 0 && run >= configuration.restartAfter
                && (pull <= Self.anchorPullRatio * m
                    || run >= configuration.restartAfter + Self.anchorPatience)
            {
                reanchor(x: x, theta: theta, state: state)
                return RowScore(
                    score: score, threshold: limit, decision: decision, muted: muted, runCapped: runCapped, pull: pull,
                    clipThreshold: 0, clipped: false, reanchored: true)
            }
            // The opposite failure: a long run of rows far inside every normal row means the
            // scales are inflated (a burst of absurd rows grew them up to 1.5x a row, and they
            // would shrink back over some 10^5 rows, blind meanwhile). Re-anchor, and let the
            // next row re-estimate the scales, unless they already sit at their floors (a
            // constant key, which scores 0 forever and rightly so).
            // An estimate absurdly far from the rows counts too: a key that started on three
            // rows of 1e30 kept its estimate and scales near 1e26 for good, the clipped steps
            // shrinking both together (the rows scored an ordinary 0.1-0.5 against them).
            // (Scanned only below an instant score of 1: a healthy wide key's rows rarely are,
            // and a scan of every row cost the engine a third of its rows/s at d = 64.)
            let absurdlyFar = instant < 1 && estimateIsAbsurdlyFar(x: x, theta: theta)
            if instant < Self.deflatedScore || absurdlyFar {
                state.pointee.lowRunLength = state.pointee.lowRunLength.saturatingIncrement
                let sustained = state.pointee.sustainedScore
                if absurdlyFar || abs(instant - sustained) > 0.2 * sustained {
                    state.pointee.lowRunVaried = state.pointee.lowRunVaried.saturatingIncrement
                }
            } else {
                state.pointee.lowRunLength = 0
                state.pointee.lowRunVaried = 0
            }
            if configuration.restartAfter > 0 && Int(state.pointee.lowRunLength) >= configuration.restartAfter {
                let varied = Int(state.pointee.lowRunVaried) * 2 >= configuration.restartAfter
                state.pointee.lowRunLength = 0
                state.pointee.lowRunVaried = 0
                if varied && scalesInflated(x: x, scale: scale, theta: theta) {
                    reanchor(x: x, theta: theta, state: state)
                    state.pointee.rescalesNext = 1
                    return RowScore(
                        score: score, threshold: limit, decision: decision, muted: muted, runCapped: runCapped, pull: pull,
                        clipThreshold: 0, clipped: false, reanchored: true)
                }
            }
        }

        // The clipped step: theta moves by at most eta * lambda in the standardized norm.
        state.pointee.scheduleRow += 1
        let eta = schedule.rate(forRow: state.pointee.scheduleRow)
        let lambda = configuration.clipMultiplier * m
        var factor = LocationKernels.clipFactor(pull: pull, threshold: lambda)
        var rates = scaleStep(rate: schedule.rate(forRow: n))
        if ignored {
            // Redescending influence: neither theta nor the scales learn from the row.
            factor = 0
            rates.rate = 0
        }
        if Self.isAbsurd(instant: instant, limit: limit)
            || (factor < Self.absurdClipFactor && m >= Self.healthyClipLevel && !wide && Self.isSpreadOut(z, count: d))
        {
            // An absurd row (ten thousand thresholds out: 1e38 in every column, a unit slip)
            // moves the scales no more than it moves theta; unbounded, 50 rows of 1e38 grew
            // them 470-fold and left the key blind for some 25,000 rows. Ordinary anomalies
            // keep their full pull on the scales, which SMD's spiky columns need (bounding
            // every clipped row's pull cost 0.10 of SMD ROC-AUC, every alert's 0.07).
            rates.influence = Float(factor)
        }
        if wide {
            WideKernels.clippedUpdate(
                x: x, theta: theta, scale: scale, count: d, step: eta * factor, rates: rates)
        } else {
            LocationKernels.clippedUpdate(
                theta: theta, scale: scale, z: z, count: d, step: Float(eta * factor),
                rates: rates, strategy: strategy, work: work)
        }

        // Median of the pull by sign steps: one row moves m by a factor 1 +- eta_m at most.
        let etaM = max(configuration.clipLevelRate, 1 / Double(n))
        // Floored: a key that repeats one row has pull 0, and an unfloored m would decay to 0
        // and make the next different row's clip factor collapse to 0.
        state.pointee.clipLevel = max(Self.minimumClipLevel, m * (pull > m ? 1 + etaM : 1 - etaM))
        if quiet {
            state.pointee.quietRowsLeft -= 1
        } else if n > thresholdStart && !inRun && pull > 0 {
            // The threshold learns only once the estimate has settled a little: the first
            // scores are inflated by the estimate's own start-up error, and an upper quantile
            // forgets high values slowly. It still gets 3/4 of the warm-up before alerts start.
            // Rows inside a run of alerts are not learned: a storm (a regime change, an anomaly
            // segment, a constant column that starts to vary) would otherwise lift the
            // threshold for thousands of rows. An isolated alert is learned, so a threshold
            // that is too low still corrects itself. (Skipping every row above the threshold
            // was measured too: demo recall 0.46 -> 0.98, but 2-3x the false alarms and SMD
            // group 1's mean ROC-AUC 0.871 -> 0.840 through extra re-anchorings.) A row equal
            // to the estimate (an idle key repeating itself) says nothing about the score's
            // tail: learned, 100,000 of them pulled both trackers to their floor and the key's
            // next 4,000 normal rows raised some 2,200 alerts.
            threshold.learn(score: alerting, rowCount: n - thresholdStart, state: &state.pointee)
        }
        return RowScore(
            score: score, threshold: limit, decision: decision, muted: muted, runCapped: runCapped, pull: pull,
            clipThreshold: lambda, clipped: pull > lambda)
    }

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
    private func combinedScore(
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
    private func currentRowScore(
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

    /// Whether frequent gross corruptions have lifted the threshold out of reach of any shift
    /// (see ``blindThresholdRatio``).
    private func isBlind(limit: Double, clipLevel m: Double) -> Bool {
        limit > Self.blindThresholdRatio * m * rootMeanSquareFactor
            && limit > Self.blindThresholdRatio * ScoreThreshold.minimumThreshold / 3
    }

    /// Clip level below which a key is degenerate rather than healthy: a typical row pulls
    /// about `1.25 sqrt d` standardized units, so `m` far below 1 means the key repeated itself
    /// (idle) and its scales sat at their floors. Its next ordinary rows look gross against
    /// them, yet must regrow the scales: the gross-row guards apply to healthy keys only.
    static let healthyClipLevel = 0.1

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
    private func isFarAndSpread(pull: Double, clipLevel m: Double, z: UnsafePointer<Float>) -> Bool {
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
        return 2 * far > d && far >= 4
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

    /// Threshold, in median instant scores (`m / sqrt d`), above which the threshold counts as
    /// blind: frequent gross corruptions have lifted the score quantiles it extrapolates from.
    /// Only then do far runs re-anchor (on SMD group 1 they cost 0.03 of ROC-AUC otherwise).
    /// The threshold must also be high in absolute terms (above 15, ten times its floor): an
    /// idle key's median pull collapses to its floor, and its first normal rows afterwards
    /// would otherwise count as far and re-anchor it again and again.
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
    private func estimateIsAbsurdlyFar(x: UnsafePointer<Float>, theta: UnsafePointer<Float>) -> Bool {
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
    private func scalesInflated(
        x: UnsafePointer<Float>, scale: UnsafeMutablePointer<Float>, theta: UnsafeMutablePointer<Float>
    ) -> Bool {
        let floors = scaleStep(rate: 0)
        for j in 0..<configuration.modelDimension {
            let floor = floors.floor(theta: theta[j])
            if scale[j] > 2 * floor && abs(x[j] - theta[j]) > floor { return true }
        }
        return false
    }

    /// First row of a key: the estimate starts at the row; scales at their floor.
    private func start(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>,
        scale: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<KeyState>
    ) {
        let floors = scaleStep(rate: 0)
        for j in 0..<configuration.modelDimension {
            theta[j] = x[j]
            scale[j] = floors.floor(theta: x[j])
        }
        state.pointee.scheduleRow = 1
    }

    /// Second row: the first difference sets the scale (|x2 - x1| / sqrt 2 estimates the mean
    /// absolute deviation), the estimate moves to the midpoint, and `m` starts at the pull a
    /// typical row will have against that scale.
    private func calibrate(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>,
        scale: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<KeyState>
    ) {
        let squaredNorm = stepFromFirstDifference(x: x, theta: theta, scale: scale, keepWider: false)
        // E||z||^2 is about (pi / 2) d for a typical row; |delta| / sqrt 2 gives 2 per coordinate.
        let level = (squaredNorm * Double.pi / 4).squareRoot()
        state.pointee.clipLevel = level > 0 ? max(level, Self.minimumClipLevel) : 1
        state.pointee.scheduleRow = 2
    }

    /// Whether the pair of rows that just set the scales (a key's first two rows, or a
    /// re-anchoring row and the next) held an absurd value: in some coordinate of the current
    /// row, the pair's difference is more than ``absurdStartRatio`` times the row's own
    /// magnitude (at least 1), and the row sits on one end of that difference (within a
    /// thousandth of it), so the other end is the outlier.
    ///
    /// Those two rows set the scales outright, so one value like 1e30 among them made every
    /// scale some 1e29 wide; the clipped steps then shrank the scales and walked the estimate
    /// back together, at the schedule's `1/n` pace, and the key stayed blind: a narrow key
    /// whose first row was 1e30 raised no alert in 8,000 rows with a spike every 500 (its
    /// control run: 30), scoring them 0.03-0.08 against 2.4-2.9.
    private func startedOnAbsurdPair(
        x: UnsafePointer<Float>, theta: UnsafePointer<Float>, scale: UnsafePointer<Float>
    ) -> Bool {
        for j in 0..<configuration.dimension {
            // The pair sits at theta +- scale / sqrt 2 when its difference set the scale.
            let half = Double(scale[j]) / 2.0.squareRoot()
            let value = Double(x[j])
            guard Self.isAbsurd(gap: 2 * half, next: value) else { continue }
            if abs(abs(value - Double(theta[j])) - half) <= 1e-3 * half { return true }
        }
        return false
    }

    /// Ratio of a starting pair's difference to the current row's magnitude (at least 1) above
    /// which the pair counts as absurd (see ``startedOnAbsurdPair(x:theta:scale:)``), the same
    /// ten thousand as ``absurdScoreRatio``. A false alarm costs nothing but a restart on the
    /// current row.
    static let absurdStartRatio = 1e4

    /// Restarts a key whose starting pair was absurd on the current row, as if it were the
    /// key's first row: the estimate and any lag window take the row, and the next row sets
    /// the scales outright from its difference to it (``widenScale`` without keeping them
    /// wider), inside a quiet window like any re-anchoring.
    private func restartOnCurrentRow(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>, storage: BankStorage, slot: Int,
        state: UnsafeMutablePointer<KeyState>
    ) {
        reanchor(x: x, theta: theta, state: state)
        state.pointee.rescalesNext = 1
        // The window still holds the absurd row, and the model row's lags are copies of it.
        restartLags(on: x, theta: theta, storage: storage, slot: slot)
    }

    /// Fills the key's lag window and its estimate's lags with copies of the current row, as at
    /// a key's first row.
    private func restartLags(
        on x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>, storage: BankStorage, slot: Int
    ) {
        guard storage.lagWidth > 0 else { return }
        let width = configuration.dimension
        LagWindow.fill(storage.lagWindow(slot), with: x, width: width, lagWidth: storage.lagWidth)
        LagWindow.fill(theta + width, with: x, width: width, lagWidth: storage.lagWidth)
    }

    /// Whether an alert of the key's row `row` repeats its habit (counting it; false without
    /// repeat muting).
    private func mutesRepeat(z: UnsafePointer<Float>, row: Int, storage: BankStorage, slot: Int) -> Bool {
        habit?.mutesAlert(z: z, row: row, block: storage.block(slot) + habitOffset) ?? false
    }

    /// Starts a key over on the current row inside its warm-up, after its level moved there:
    /// everything it learned (estimate, scales, `m`, lag window, seasonal buffer, whitening,
    /// alert habit, threshold trackers, score history) as at a new key whose first row this
    /// is, so it gets a whole warm-up again and the next row sets its scales and `m`.
    private func startOver(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>, scale: UnsafeMutablePointer<Float>,
        storage: BankStorage, slot: Int, state: UnsafeMutablePointer<KeyState>
    ) {
        storage.reset(slot)
        state.pointee.rowCount = 1
        // As at a new key's first row: stored into the ring against the fresh unit scales.
        if let season { _ = season.instantScore(x: x, row: 0, block: storage.block(slot), locationScale: scale) }
        start(x: x, theta: theta, scale: scale, state: state)
        // The model row's lags are the old level's rows.
        restartLags(on: x, theta: theta, storage: storage, slot: slot)
    }

    /// First row after a re-anchoring: as a key's second row, but scales only grow (unless
    /// `keepWider` is false: after inflated scales, they are re-estimated outright).
    private func widenScale(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>,
        scale: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<KeyState>, keepWider: Bool
    ) {
        _ = stepFromFirstDifference(x: x, theta: theta, scale: scale, keepWider: keepWider)
        state.pointee.scheduleRow = 2
    }

    /// Moves the estimate to the midpoint of itself and `x` and sets each scale to the first
    /// difference's estimate `|x - theta| / sqrt 2` (floored; with `keepWider`, never below the
    /// current scale). Returns `sum(z^2)` of the difference against the new scales.
    private func stepFromFirstDifference(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>,
        scale: UnsafeMutablePointer<Float>, keepWider: Bool
    ) -> Double {
        let floors = scaleStep(rate: 0)
        var squaredNorm = 0.0
        for j in 0..<configuration.modelDimension {
            let delta = Double(x[j]) - Double(theta[j])
            let midpoint = Float(Double(theta[j]) + delta / 2)
            // Clamped: |x2 - x1| of two extreme rows (3e38, -3e38) overflows Float.
            let spread = min(abs(delta) / 2.0.squareRoot(), Double(ScaleStep.maximumScale))
            var s = max(Float(spread), floors.floor(theta: midpoint))
            if keepWider { s = max(s, scale[j]) }
            let z = delta / Double(s)
            squaredNorm += z * z
            theta[j] = midpoint
            scale[j] = s
        }
        return squaredNorm
    }

    /// A regime change: restart the estimate at the row and the learning-rate schedule at 1/n;
    /// scale, `m` and threshold carry over. Decisions are withheld while the estimate settles.
    private func reanchor(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>,
        state: UnsafeMutablePointer<KeyState>
    ) {
        for j in 0..<configuration.modelDimension { theta[j] = x[j] }
        state.pointee.scheduleRow = 1
        state.pointee.runLength = 0
        state.pointee.farRunLength = 0
        state.pointee.quietRowsLeft = Int32(configuration.restartQuietRows)
    }

    /// The scale step's parameters for a row learned at `rate`.
    private func scaleStep(rate: Double) -> ScaleStep {
        ScaleStep(
            rate: Float(rate), clip: configuration.scaleClip,
            absoluteFloor: configuration.absoluteScaleFloor,
            relativeFloor: configuration.relativeScaleFloor)
    }

    private func clearAttribution(
        _ k: Int, _ indices: UnsafeMutablePointer<Int32>, _ shares: UnsafeMutablePointer<Float>
    ) {
        for i in 0..<k {
            indices[i] = Int32(truncatingIfNeeded: i)
            shares[i] = 0
        }
    }
}
