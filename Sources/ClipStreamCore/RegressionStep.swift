import ClipStreamKernels
import RealModule

/// One row of a regression model (``ModelKind/linear(target:)`` or
/// ``ModelKind/logistic(target:)``): predict the target from the key's other features, score
/// the residual, decide, then learn by one clipped step. Stateless itself; the key's weights
/// (in the bank's `theta`), feature scales (`scale`) and scalars live in the bank.
///
/// The step is normalized: in standardized coordinates `v = u / s` (u: the features, with the
/// bias input 1 in the target's slot; s: each feature's running mean `|u_j|`) the weights
/// move by `mu * min(1, lambda / |r|) * r * v / ||v||^2` with `mu = min(1, d * eta)`
/// (``normalizedRate(_:dimension:)``), so a row moves them by at most
/// `mu * lambda / ||v|| <= mu * lambda` (the bias keeps `||v|| >= 1`), and features of any
/// magnitude learn at the same pace (the plain gradient step diverges once `eta ||u||^2 > 2`).
/// `lambda = c_lambda * m`, with `m` the running median of `|r|`.
@usableFromInline
struct RegressionStep {
    let configuration: Configuration
    let schedule: LearningRateSchedule
    let threshold: ScoreThreshold
    let calibration = ScoreCalibration()
    /// The target's index in the (extended) row.
    let target: Int
    let logistic: Bool

    @usableFromInline
    init(configuration: Configuration, schedule: LearningRateSchedule, threshold: ScoreThreshold) {
        self.configuration = configuration
        self.schedule = schedule
        self.threshold = threshold
        target = configuration.model.target ?? 0
        if case .logistic = configuration.model { logistic = true } else { logistic = false }
    }

    /// Rows of a key before its threshold starts learning: a quarter of the warm-up.
    var thresholdStart: Int { configuration.warmupRows / 4 }

    /// Scores, decides and learns one row `x` (the model's `d` values) of key `slot`; `u` is
    /// scratch of `d` values.
    func step(
        x: UnsafePointer<Float>, slot: Int, storage: BankStorage, u: UnsafeMutablePointer<Float>,
        explainCount: Int, topIndices: UnsafeMutablePointer<Int32>,
        topShares: UnsafeMutablePointer<Float>
    ) -> RowScore {
        var result = rawStep(
            x: x, slot: slot, storage: storage, u: u, explainCount: explainCount,
            topIndices: topIndices, topShares: topShares)
        if configuration.calibratesScores {
            calibration.report(&result, histogram: storage.histogram(slot), state: storage.state(slot))
        }
        return result
    }

    private func rawStep(
        x: UnsafePointer<Float>, slot: Int, storage: BankStorage, u: UnsafeMutablePointer<Float>,
        explainCount: Int, topIndices: UnsafeMutablePointer<Int32>,
        topShares: UnsafeMutablePointer<Float>
    ) -> RowScore {
        let d = configuration.modelDimension
        let w = storage.theta(slot)
        let s = storage.scale(slot)
        let state = storage.state(slot)
        state.pointee.rowCount += 1
        let n = state.pointee.rowCount
        let y = logistic ? (x[target] > 0.5 ? 1 : 0) : Double(x[target])
        u.update(from: x, count: d)
        u[target] = 1

        if n == 1 {
            start(u: u, weights: w, scale: s, y: y, state: state)
            attribute(residual: 0, explainCount, topIndices, topShares)
            return RowScore(
                score: 1, threshold: threshold.threshold(state.pointee), decision: .withheld,
                pull: 0, clipThreshold: 0, clipped: false)
        }

        // Only in the warm-up: a restart after a sign run starts no key (its scales are running
        // means, and a feature at 0 next to a large mean is ordinary there).
        if n <= configuration.warmupRows && state.pointee.scheduleRow <= 2
            && startedAbsurdly(u: u, scale: s, y: y, state: state)
        {
            // Before anything learns from the row: restart the key on it, as on a first row.
            start(u: u, weights: w, scale: s, y: y, state: state)
            attribute(residual: 0, explainCount, topIndices, topShares)
            return RowScore(
                score: 1, threshold: threshold.threshold(state.pointee), decision: .withheld,
                pull: 0, clipThreshold: 0, clipped: false, reanchored: true)
        }

        // The Double path only when Float overflows (a value such as 1e30).
        let fast = RegressionKernels.prediction(features: u, weights: w, scale: s, count: d)
        let (prediction, squaredNorm) =
            fast.prediction.isFinite && fast.squaredNorm.isFinite
            ? (Double(fast.prediction), Double(fast.squaredNorm))
            : RegressionKernels.widePrediction(features: u, weights: w, scale: s, count: d)
        let residual = logistic ? y - Self.sigmoid(prediction) : y - prediction
        let pull = residual.magnitude
        attribute(residual: residual, explainCount, topIndices, topShares)
        let seeding = state.pointee.clipLevel == 0 && pull > 0
        if seeding {
            // The first residual that is not 0 (the second row's, unless the key started
            // constant) sets the level a typical row pulls.
            state.pointee.clipLevel = max(pull, stateFloor)
        }
        let tracked = state.pointee.clipLevel
        let m = max(tracked, relativeFloor(prediction), stateFloor)
        // A key that started constant scores its first change against the floor it held.
        let instant = pull / (seeding && n > 2 ? max(relativeFloor(prediction), stateFloor) : m)
        let limit = threshold.threshold(state.pointee)
        let score = combinedScore(instant: instant, limit: limit, state: state)
        let above = instant > limit
        let quiet = state.pointee.quietRowsLeft > 0
        let warmingUp = n <= configuration.warmupRows || quiet
        let runCapped = !warmingUp && above && configuration.withholdsRunAlert(after: state.pointee)
        let decision: AlertDecision = warmingUp || runCapped ? .withheld : (above ? .alert : .normal)
        let inRun = above && state.pointee.runLength > 0
        let restarted = n > configuration.warmupRows && !quiet && runsRestart(above: above, residual: residual, state: state)
        if quiet { state.pointee.quietRowsLeft -= 1 }

        // The clipped, normalized step. Idle rows (predicted exactly) teach the weights
        // nothing, so they do not slow the schedule either.
        if pull > 0 { state.pointee.scheduleRow += 1 }
        // At least row 1: a key idle since its start has not advanced it (nor has a state
        // saved by a key restarted on an idle row).
        let eta = schedule.rate(forRow: max(1, Int(state.pointee.scheduleRow)))
        let lambda = configuration.clipMultiplier * m
        let factor = LocationKernels.clipFactor(pull: pull, threshold: lambda)
        var rates = ScaleStep(
            rate: Float(schedule.rate(forRow: n)), clip: configuration.scaleClip,
            absoluteFloor: configuration.absoluteScaleFloor, relativeFloor: 0)
        // A gross row (hundreds of clip thresholds out) moves the feature scales no more than
        // the weights, as in the location model.
        if factor < RowStep.absurdClipFactor { rates.influence = Float(factor) }
        let bias = Double(w[target])
        let gain = Self.normalizedRate(eta, dimension: d) * factor * residual / max(squaredNorm, 1)
        let decay = logistic ? 1 - eta * configuration.l2Penalty : 1
        RegressionKernels.clippedUpdate(
            features: u, weights: w, scale: s, count: d, gain: gain, decay: decay, rates: rates)
        // Bounded like the other weights (a target of 3e38 must not overflow the bias).
        let bound = Double(ScaleStep.maximumScale)
        w[target] = Float(max(-bound, min(bound, bias + gain)))
        s[target] = 1

        // Idle rows (predicted exactly) leave `m` alone: a key constant for 3,000 rows took `m`
        // to its floor, then alerted on 693 of its first 4,000 varying rows and, its threshold
        // learned from them, on 2 of the next 34 spikes.
        if pull > 0 {
            let etaM = max(configuration.clipLevelRate, 1 / Double(n))
            state.pointee.clipLevel = max(stateFloor, tracked * (pull > tracked ? 1 + etaM : 1 - etaM))
        }
        if n > thresholdStart && !inRun && pull > 0 {
            threshold.learn(score: instant, rowCount: n - thresholdStart, state: &state.pointee)
        }
        if n == 2 {
            return RowScore(
                score: 1, threshold: limit, decision: .withheld, pull: pull,
                clipThreshold: lambda, clipped: pull > lambda)
        }
        return RowScore(
            score: score, threshold: limit, decision: decision, runCapped: runCapped, pull: pull,
            clipThreshold: lambda, clipped: pull > lambda, reanchored: restarted)
    }

    /// Counts the runs that restart the key's learning-rate schedule, and restarts it at the
    /// end of one: `restartAfter` rows in a row above the threshold (the coefficients changed,
    /// as the location model's re-anchoring), or `restartAfter` residuals in a row of one
    /// sign (the model is off by more than the noise: a corrupted first row set the bias
    /// 37,000 off, and at the long-memory rate the clipped steps took some 30,000 rows to walk
    /// back: coefficient error 0.31 instead of 0.01, d = 50, 10% corrupted targets). The
    /// schedule restarts at 1/n, so the next rows move the weights as a new key's would, from
    /// where they are; decisions are withheld for `restartQuietRows`.
    ///
    /// The sign run lives in the location model's far-run fields of ``KeyState``:
    /// `farRunLength` counts it and `rescalesNext` is 1 for a run of negative residuals.
    private func runsRestart(
        above: Bool, residual: Double, state: UnsafeMutablePointer<KeyState>
    ) -> Bool {
        state.pointee.runLength = above ? state.pointee.runLength.saturatingIncrement : 0
        let negative: Int32 = residual < 0 ? 1 : 0
        if residual != 0 && state.pointee.farRunLength > 0 && state.pointee.rescalesNext == negative {
            state.pointee.farRunLength = state.pointee.farRunLength.saturatingIncrement
        } else {
            state.pointee.farRunLength = residual != 0 ? 1 : 0
            state.pointee.rescalesNext = negative
        }
        let limit = configuration.restartAfter
        guard limit > 0,
            Int(state.pointee.runLength) >= limit || Int(state.pointee.farRunLength) >= limit
        else { return false }
        state.pointee.scheduleRow = 0
        state.pointee.runLength = 0
        state.pointee.farRunLength = 0
        state.pointee.rescalesNext = 0
        state.pointee.quietRowsLeft = Int32(configuration.restartQuietRows)
        return true
    }

    /// Whether the rows that started the key (its first, or the first after a restart) held
    /// an absurd value, over ``RowStep/absurdStartRatio`` times the current row's magnitude:
    /// a feature's scale (set outright by the first row) next to the row's feature, or the
    /// level `m` the first residual set next to the row's target. One target of -1e6 among
    /// a key's first two rows set `m` some 10^6 too high and the key alerted on none of 77
    /// anomalies in 20,000 rows; a feature of 3.4e38 in the first row kept its weight from
    /// learning for some 240,000 rows. A false alarm costs a restart on the current row.
    private func startedAbsurdly(
        u: UnsafePointer<Float>, scale s: UnsafePointer<Float>, y: Double, state: UnsafePointer<KeyState>
    ) -> Bool {
        for j in 0..<configuration.modelDimension where j != target {
            if RowStep.isAbsurd(gap: Double(s[j]), next: Double(u[j])) { return true }
        }
        return !logistic && RowStep.isAbsurd(gap: state.pointee.clipLevel, next: y)
    }

    /// The lowest tracked median residual: a key whose target is predicted exactly (constant)
    /// must not let `m` decay to 0. A probability's 0.001 for a logistic model.
    private var stateFloor: Double {
        logistic ? 1e-3 : Double(configuration.absoluteScaleFloor)
    }

    /// The floor of `m` for one row of a linear model: relative to the prediction's magnitude,
    /// so a constant target's next small change scores in proportion to it rather than
    /// without bound. Applied per row, never stored: relative to the row's own target, one
    /// corrupted target (1e5) lifted the stored `m` some 100-fold and the clip with it
    /// (coefficient error 0.6 instead of 0.05 under 10% corruption).
    private func relativeFloor(_ prediction: Double) -> Double {
        logistic ? 0 : Double(configuration.relativeScaleFloor) * prediction.magnitude
    }

    /// First row: weights 0 with the bias at the target (a linear model predicts the first
    /// value), scales at the row's magnitudes.
    private func start(
        u: UnsafePointer<Float>, weights w: UnsafeMutablePointer<Float>,
        scale s: UnsafeMutablePointer<Float>, y: Double, state: UnsafeMutablePointer<KeyState>
    ) {
        let floor = configuration.absoluteScaleFloor
        for j in 0..<configuration.modelDimension {
            w[j] = 0
            s[j] = max(u[j].magnitude, floor)
        }
        w[target] = logistic ? 0 : Float(y)
        s[target] = 1
        state.pointee.scheduleRow = 1
        state.pointee.clipLevel = 0
    }

    /// The reported score: the larger of the instant score and the sustained score, an
    /// exponential moving average of the instant score, as in the location model; each row
    /// adds at most the clip threshold (`c_lambda` median residuals) or the alert threshold,
    /// whichever is lower, so a row the step clips has bounded influence on the score's memory
    /// too. (Capped at the alert threshold alone, 10% corrupted targets lifted the threshold
    /// and the sustained score of every normal row above the smaller corruptions: ROC-AUC
    /// 0.90 against them, `clipstream experiment regression`.)
    private func combinedScore(
        instant: Double, limit: Double, state: UnsafeMutablePointer<KeyState>
    ) -> Double {
        let b = configuration.scoreSmoothing
        let cap = min(limit, configuration.clipMultiplier)
        let sustained = (1 - b) * state.pointee.sustainedScore + b * min(instant, cap)
        state.pointee.sustainedScore = sustained
        return max(instant, sustained)
    }

    /// The residual belongs to the target: the top attribution is the target column, with the
    /// residual's sign (the other entries carry no share).
    private func attribute(
        residual: Double, _ k: Int, _ indices: UnsafeMutablePointer<Int32>,
        _ shares: UnsafeMutablePointer<Float>
    ) {
        guard k > 0 else { return }
        indices[0] = Int32(target)
        shares[0] = residual > 0 ? 1 : (residual < 0 ? -1 : 0)
        var next = 0
        for i in 1..<k {
            if next == target { next += 1 }
            indices[i] = Int32(next)
            shares[i] = 0
            next += 1
        }
    }

    /// The step size `mu` of the normalized step for the schedule's rate `eta`:
    /// `min(1, d * eta)`. The normalized step's curvature along each of the `d` standardized
    /// directions is about `1 / d`, so the schedule's `1/n` start (a running mean) becomes
    /// `d / n`, and its floor `1 / H` keeps a memory of about `H` rows at every `d`; capped at
    /// 1, the normalized step's stable range ends at 2. (At `eta` alone, the weights converged
    /// as `n^(-1/d)`: 0.44 relative error after 20,000 clean rows at d = 11.)
    static func normalizedRate(_ eta: Double, dimension d: Int) -> Double {
        min(1, eta * Double(d))
    }

    static func sigmoid(_ t: Double) -> Double {
        t >= 0 ? 1 / (1 + Double.exp(-t)) : Double.exp(t) / (1 + Double.exp(t))
    }
}
