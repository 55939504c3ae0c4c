import ClipStreamKernels

// How a key starts, re-anchors on a regime change, restarts on an absurd start and starts over
// inside its warm-up.
extension RowStep {
    /// First row of a key: the estimate starts at the row; scales at their floor.
    func start(
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
    func calibrate(
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
    func startedOnAbsurdPair(
        x: UnsafePointer<Float>, theta: UnsafePointer<Float>, scale: UnsafePointer<Float>
    ) -> Bool {
        for j in 0..<configuration.dimension {
            let value = Double(x[j])
            if scale[j] >= ScaleStep.maximumScale {
                // The clamp hid the pair's difference (a value beyond some 1e30 kept the key
                // blind: 0 of 18 spikes alerted): the row's distance to the midpoint stands in.
                if Self.isAbsurd(gap: 2 * abs(value - Double(theta[j])), next: value) { return true }
                continue
            }
            // The pair sits at theta +- scale / sqrt 2 when its difference set the scale.
            let half = Double(scale[j]) / 2.0.squareRoot()
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
    func restartOnCurrentRow(
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
    func restartLags(
        on x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>, storage: BankStorage, slot: Int
    ) {
        guard storage.lagWidth > 0 else { return }
        let width = configuration.dimension
        LagWindow.fill(storage.lagWindow(slot), with: x, width: width, lagWidth: storage.lagWidth)
        LagWindow.fill(theta + width, with: x, width: width, lagWidth: storage.lagWidth)
    }

    /// Starts a key over on the current row inside its warm-up, after its level moved there:
    /// everything it learned (estimate, scales, `m`, lag window, seasonal buffer, whitening,
    /// alert habit, threshold trackers, score history) as at a new key whose first row this
    /// is, so it gets a whole warm-up again and the next row sets its scales and `m`.
    func startOver(
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
    func widenScale(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>,
        scale: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<KeyState>, keepWider: Bool
    ) {
        _ = stepFromFirstDifference(x: x, theta: theta, scale: scale, keepWider: keepWider)
        state.pointee.scheduleRow = 2
    }

    /// Moves the estimate to the midpoint of itself and `x` and sets each scale to the first
    /// difference's estimate `|x - theta| / sqrt 2` (floored; with `keepWider`, never below the
    /// current scale). Returns `sum(z^2)` of the difference against the new scales.
    func stepFromFirstDifference(
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
    func reanchor(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>,
        state: UnsafeMutablePointer<KeyState>
    ) {
        for j in 0..<configuration.modelDimension { theta[j] = x[j] }
        state.pointee.scheduleRow = 1
        state.pointee.runLength = 0
        state.pointee.farRunLength = 0
        state.pointee.quietRowsLeft = Int32(configuration.restartQuietRows)
    }
}
