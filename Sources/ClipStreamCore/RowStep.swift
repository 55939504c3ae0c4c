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
    /// The key's sustained deviation, if the configuration explains by it, and where it starts
    /// in the key's reference block.
    let sustainedDeviation: SustainedDeviation?
    let sustainedDeviationOffset: Int

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
        sustainedDeviation = configuration.sustainedDeviationLayout
        sustainedDeviationOffset = configuration.sustainedDeviationStartInBlock
    }

    /// Floor of the clip level `m` (standardized units; a typical pull is about `1.25 sqrt d`).
    static let minimumClipLevel = 1e-3

    /// Rows of a key before its threshold starts learning: a quarter of the warm-up.
    var thresholdStart: Int { configuration.warmupRows / 4 }

    /// Scores, decides and learns one row; the score and threshold are calibrated against the
    /// key's history before the raw score joins it. The top-`explainCount` attribution is
    /// computed for a row in the `attribution` scope (else cleared): the step leaves `z` as
    /// it scored the row, so the attribution can wait for the score and the decision.
    func step(
        x: UnsafePointer<Float>, slot: Int, storage: BankStorage,
        z: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>,
        whiteningScratch: UnsafeMutablePointer<Double>?,
        explainCount: Int, attribution: AttributionScope = .everyRow,
        topIndices: UnsafeMutablePointer<Int32>, topShares: UnsafeMutablePointer<Float>,
        hasMissing: Bool = false
    ) -> RowScore {
        var residual = Residual()
        var result = rawStep(
            x: x, slot: slot, storage: storage, z: z, work: work, whiteningScratch: whiteningScratch,
            residual: &residual, hasMissing: hasMissing)
        if configuration.calibratesScores {
            calibration.report(&result, histogram: storage.histogram(slot), state: storage.state(slot))
        }
        // A muted repeat reports at most its threshold, below the key's raised alerts (after the
        // calibration learned its score: capped there, the key's history lost its high rows and
        // SMD's PR-AUC fell 0.407 -> 0.404).
        if result.muted { result.score = min(result.score, result.threshold) }
        if explainCount > 0 {
            if residual.isComputed && attribution.includes(result) {
                // The sustained deviation is empty until the key's first scored row after its
                // start: the row explains itself until then.
                var bySustained = false
                if let sustainedDeviation {
                    // `work` is free once the step is done.
                    sustainedDeviation.explained(
                        z: z, gain: residual.sustainedGain, smoothing: configuration.scoreSmoothing,
                        block: storage.block(slot) + sustainedDeviationOffset, into: work)
                    bySustained = Attribution.topShares(
                        of: work, count: configuration.modelDimension, k: explainCount, indices: topIndices,
                        shares: topShares)
                }
                if !bySustained {
                    Attribution.topContributions(
                        z: z, count: configuration.modelDimension,
                        squaredNorm: residual.isWide ? 1 : residual.squaredNorm, k: explainCount,
                        indices: topIndices, shares: topShares)
                }
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
        /// The row's gain in the sustained deviation (0 when the row did not enter it).
        var sustainedGain: Float = 0
    }

    private func rawStep(
        x: UnsafePointer<Float>, slot: Int, storage: BankStorage,
        z: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>,
        whiteningScratch: UnsafeMutablePointer<Double>?, residual: inout Residual, hasMissing: Bool
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
            learnSustainedDeviation(z: z, residual: &residual, instant: instant, limit: limit, storage: storage, slot: slot)
            if state.pointee.quietRowsLeft > 1 && pull > Self.anchorPullRatio * state.pointee.clipLevel
                && (Self.isAbsurd(instant: instant, limit: limit)
                    || (!wide && Self.isSpreadOut(z, count: d)
                        && isBlind(referenceQuantile: threshold.referenceQuantile(state.pointee), clipLevel: state.pointee.clipLevel)))
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
        learnSustainedDeviation(z: z, residual: &residual, instant: instant, limit: limit, storage: storage, slot: slot)
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
        // Nor does a row with imputed cells, whose zeros there are not deviations
        // (``MissingCells``).
        if let whitening, let whiteningBlock, n > configuration.warmupRows && !quiet && !hasMissing,
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
            // Not while a long lag window still holds the first row's copies: the lags' scales
            // are at their floors and every row pulls far by construction; with 18 lags or more
            // the far run reached the start-over before the window filled, and the key started
            // over every L + 1 rows for ever (0 alerts in 10,000 rows). A shorter window fills
            // first and is left as it was (skipping there cost a daily sawtooth 3 false alarms).
            let lagsFilling = configuration.lags + 2 >= Self.warmupShiftRows && n <= configuration.lags + 2
            state.pointee.farRunLength =
                pull > Self.shiftPullRatio * m && !lagsFilling ? state.pointee.farRunLength.saturatingIncrement : 0
            // Not on a row with imputed cells: the key would start those columns at their old
            // level (``MissingCells``); the next complete row starts it over.
            if configuration.restartAfter > 0 && Int(state.pointee.farRunLength) >= Self.warmupShiftRows
                && !hasMissing && scalesInflated(x: x, scale: scale, theta: theta)
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
            let blind = isBlind(referenceQuantile: threshold.referenceQuantile(state.pointee), clipLevel: m)
            // A run of ignored rows counts too: they no longer walk the estimate over a shift.
            if pull <= Self.shiftPullRatio * m || (!blind && !ignored) {
                state.pointee.farRunLength = 0
            } else if !above {
                state.pointee.farRunLength = state.pointee.farRunLength.saturatingIncrement
            }
            let run = Int(max(state.pointee.runLength, state.pointee.farRunLength))
            // A re-anchoring sets every column's estimate to the row; a column missing there
            // would keep its old level and take the gap as its scale on the next row (blind for
            // good to its spikes), so a row with imputed cells waits for a complete one, at most
            // the patience (a column that is never reported must not block the re-anchoring).
            let patient = run >= configuration.restartAfter + Self.anchorPatience
            if configuration.restartAfter > 0 && run >= configuration.restartAfter
                && (pull <= Self.anchorPullRatio * m || patient) && (!hasMissing || patient)
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
                if varied && !hasMissing && scalesInflated(x: x, scale: scale, theta: theta) {
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
        } else if configuration.restartAfter > 0 && n <= configuration.warmupRows && state.pointee.farRunLength > 0
            && !wide
            && (isFarAndSpread(pull: pull, clipLevel: m, z: z)
                || (configuration.dimension < Self.spreadColumns && n > configuration.warmupRows / 5))
            && !estimateIsAbsurdlyFar(x: x, theta: theta)
        {
            // A level that moves inside the warm-up: at the warm-up's 1/n rate one such row grew
            // the scales 2.5-fold (+50 noise scales at row 41), the pulls fell below the far
            // run's bar within 9 rows, and the key never started over: it missed 17 of 20 later
            // spikes. The scales hold while the far run builds; the run starts the key over. (An
            // estimate absurdly far from the rows, an absurd start, has its own way out.) A
            // narrow key's row is never off in 4 own columns: past the warm-up's first fifth,
            // when its first-difference scales have settled (before it, its first rows pull far
            // by nature, and holding them blinded it), any far row holds them (one column, +50
            // at row 41: 0 of 20 later spikes alerted, now 19 like the control).
            // With re-anchoring off nothing would start the key over: nothing holds.
            rates.rate = 0
        }
        let absurd = Self.isAbsurd(instant: instant, limit: limit)
        if absurd
            || (factor < Self.absurdClipFactor && m >= Self.healthyClipLevel && !wide && Self.isSpreadOut(z, count: d))
        {
            // An absurd row (ten thousand thresholds out: 1e38 in every column, a unit slip)
            // moves the scales no more than it moves theta; unbounded, 50 rows of 1e38 grew
            // them 470-fold and left the key blind for some 25,000 rows. Ordinary anomalies
            // keep their full pull on the scales, which SMD's spiky columns need (bounding
            // every clipped row's pull cost 0.10 of SMD ROC-AUC, every alert's 0.07).
            rates.influence = Float(factor)
        }
        // An absurd row updates in `Double`: near `Float`'s largest value, `s z` can round past it.
        if wide || absurd {
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

    /// Whether an alert of the key's row `row` repeats its habit (counting it; false without
    /// repeat muting).
    func mutesRepeat(z: UnsafePointer<Float>, row: Int, storage: BankStorage, slot: Int) -> Bool {
        habit?.mutesAlert(z: z, row: row, block: storage.block(slot) + habitOffset) ?? false
    }

    /// Adds the row's deviation to the key's sustained deviation (if it keeps one), clipped as
    /// the sustained score clips the instant score.
    private func learnSustainedDeviation(
        z: UnsafePointer<Float>, residual: inout Residual, instant: Double, limit: Double, storage: BankStorage,
        slot: Int
    ) {
        guard let sustainedDeviation else { return }
        residual.sustainedGain = sustainedDeviation.learn(
            z: z, squaredNorm: residual.isWide ? 1 : residual.squaredNorm,
            clippedScore: min(instant, Self.sustainedCap * limit), smoothing: configuration.scoreSmoothing,
            block: storage.block(slot) + sustainedDeviationOffset)
    }

    /// The scale step's parameters for a row learned at `rate`.
    func scaleStep(rate: Double) -> ScaleStep {
        ScaleStep(
            rate: Float(rate), clip: configuration.scaleClip,
            absoluteFloor: configuration.absoluteScaleFloor,
            relativeFloor: configuration.relativeScaleFloor)
    }

    func clearAttribution(
        _ k: Int, _ indices: UnsafeMutablePointer<Int32>, _ shares: UnsafeMutablePointer<Float>
    ) {
        for i in 0..<k {
            indices[i] = Int32(truncatingIfNeeded: i)
            shares[i] = 0
        }
    }
}
