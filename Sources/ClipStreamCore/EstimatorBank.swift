/// Storage of many independent per-key estimators: K keys by `d` dimensions.
///
/// ## Memory layout
/// Struct of arrays: `theta` and `scale` are each one contiguous row-major `[Float]` of
/// `K * d` values (key `k`'s row starts at `k * d`), and the per-key scalars are one
/// `[KeyState]`. With lags, each key also holds its previous rows, `lagWidth` values; with a
/// seasonal reference or a residual whitening, its block of `blockWidth` values (the
/// ``SeasonalReference``'s values, then the ``ResidualWhitening``'s); and each key has a
/// score-calibration histogram of ``ScoreCalibration/storageCount`` `Float`s.
/// Memory per key: `8 d + 4 lagWidth + 4 blockWidth + 808` bytes (plus the key's name in the
/// router).
/// Rows are lent only inside ``withStorage(_:)``; no pointer escapes it.
public struct EstimatorBank: Sendable {
    /// Features per key.
    public let dimension: Int
    /// Values of the lag window per key (`L` previous rows of the input width; 0 without lags).
    public let lagWidth: Int
    /// Values of the reference block per key: the seasonal reference's, then the residual
    /// whitening's (0 without either).
    public let blockWidth: Int
    private var theta: [Float] = []
    private var lagWindows: [Float] = []
    private var blocks: [Float] = []
    private var histograms: [Float] = []
    private var scale: [Float] = []
    private var states: [KeyState] = []

    /// An empty bank for rows of `dimension` features, with `lagWidth` lag values and
    /// `blockWidth` reference-block values per key.
    public init(dimension: Int, lagWidth: Int = 0, blockWidth: Int = 0) {
        precondition(dimension >= 1 && lagWidth >= 0 && blockWidth >= 0)
        self.dimension = dimension
        self.lagWidth = lagWidth
        self.blockWidth = blockWidth
    }

    /// Number of keys held.
    public var keyCount: Int { states.count }

    /// Bytes of estimator state per key.
    public var bytesPerKey: Int {
        (2 * dimension + lagWidth + blockWidth + ScoreCalibration.storageCount) * MemoryLayout<Float>.stride
            + MemoryLayout<KeyState>.stride
    }

    /// Adds a key with a blank estimator and returns its slot.
    /// - Complexity: amortized O(d); allocates only when the arrays grow.
    public mutating func addKey() -> Int {
        theta.append(contentsOf: repeatElement(0, count: dimension))
        scale.append(contentsOf: repeatElement(1, count: dimension))
        lagWindows.append(contentsOf: repeatElement(0, count: lagWidth))
        blocks.append(contentsOf: repeatElement(0, count: blockWidth))
        histograms.append(contentsOf: repeatElement(0, count: ScoreCalibration.storageCount))
        states.append(KeyState())
        return states.count - 1
    }

    /// Returns one key to the state of a key that has seen nothing (what ``addKey()`` gives).
    public mutating func reset(slot: Int) {
        withStorage { $0.reset(slot) }
    }

    /// A copy of one key's location estimate (for tests and inspection, not the hot path).
    public func location(slot: Int) -> [Float] {
        Array(theta[slot * dimension..<(slot + 1) * dimension])
    }

    /// Lends one key's location estimate without copying it (experiments read it every row).
    public func withLocation<R>(slot: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try theta.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[slot * dimension..<(slot + 1) * dimension]))
        }
    }

    /// A copy of one key's scale (for tests and inspection).
    public func scaleEstimate(slot: Int) -> [Float] {
        Array(scale[slot * dimension..<(slot + 1) * dimension])
    }

    /// One key's scalars.
    public func state(slot: Int) -> KeyState { states[slot] }

    /// A copy of one key's score-calibration histogram (bins, then block sums).
    public func calibrationHistogram(slot: Int) -> [Float] {
        let n = ScoreCalibration.storageCount
        return Array(histograms[slot * n..<(slot + 1) * n])
    }

    /// A copy of one key's lag window, most recent row first (for tests and inspection).
    public func lagWindow(slot: Int) -> [Float] {
        Array(lagWindows[slot * lagWidth..<(slot + 1) * lagWidth])
    }

    /// A copy of one key's reference block: the seasonal reference's values, then the residual
    /// whitening's (for tests and inspection).
    public func referenceBlock(slot: Int) -> [Float] {
        Array(blocks[slot * blockWidth..<(slot + 1) * blockWidth])
    }

    /// Lends the whole storage for one batch of row updates.
    ///
    /// The pointers are valid only inside `body`; `theta` and `scale` hold `keyCount * dimension`
    /// values, the lag windows `keyCount * lagWidth`, `states` holds `keyCount`.
    public mutating func withStorage<R>(
        _ body: (BankStorage) throws -> R
    ) rethrows -> R {
        let d = dimension
        let w = lagWidth
        return try theta.withUnsafeMutableBufferPointer { t in
            try scale.withUnsafeMutableBufferPointer { s in
                try lagWindows.withUnsafeMutableBufferPointer { l in
                    try blocks.withUnsafeMutableBufferPointer { reference in
                        try histograms.withUnsafeMutableBufferPointer { h in
                            try states.withUnsafeMutableBufferPointer { k in
                                // Non-nil: each array has at least one element whenever
                                // keyCount > 0 (the lag windows and reference blocks only when
                                // their width is positive, the only case they are used), and
                                // callers only index slots below keyCount.
                                try body(BankStorage(
                                    theta: t.baseAddress, scale: s.baseAddress, lagWindows: l.baseAddress,
                                    blocks: reference.baseAddress, histograms: h.baseAddress,
                                    states: k.baseAddress, dimension: d, lagWidth: w,
                                    blockWidth: blockWidth, keyCount: k.count))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Checks invariants: every value finite, every scale positive, every clip level non-negative.
    public func checkInvariants() -> Bool {
        theta.allSatisfy(\.isFinite) && histograms.allSatisfy { $0.isFinite && $0 >= 0 } && lagWindows.allSatisfy(\.isFinite) && blocks.allSatisfy(\.isFinite) && scale.allSatisfy { $0.isFinite && $0 > 0 }
            && states.allSatisfy { $0.clipLevel >= 0 && $0.clipLevel.isFinite }
    }
}

/// Pointers into an ``EstimatorBank`` for the duration of one `withStorage` call.
public struct BankStorage {
    @usableFromInline let theta: UnsafeMutablePointer<Float>?
    @usableFromInline let scale: UnsafeMutablePointer<Float>?
    @usableFromInline let lagWindows: UnsafeMutablePointer<Float>?
    @usableFromInline let blocks: UnsafeMutablePointer<Float>?
    @usableFromInline let histograms: UnsafeMutablePointer<Float>?
    @usableFromInline let states: UnsafeMutablePointer<KeyState>?
    /// Features per key.
    public let dimension: Int
    /// Lag values per key.
    public let lagWidth: Int
    /// Reference-block values per key.
    public let blockWidth: Int
    /// Keys available.
    public let keyCount: Int

    /// Key `slot`'s location row.
    @inlinable
    public func theta(_ slot: Int) -> UnsafeMutablePointer<Float> {
        precondition(slot >= 0 && slot < keyCount)
        return theta.unsafelyUnwrapped + slot * dimension
    }

    /// Key `slot`'s scale row.
    @inlinable
    public func scale(_ slot: Int) -> UnsafeMutablePointer<Float> {
        precondition(slot >= 0 && slot < keyCount)
        return scale.unsafelyUnwrapped + slot * dimension
    }

    /// Key `slot`'s lag window: its previous rows, most recent first (`lagWidth > 0` only).
    @inlinable
    public func lagWindow(_ slot: Int) -> UnsafeMutablePointer<Float> {
        precondition(slot >= 0 && slot < keyCount && lagWidth > 0)
        return lagWindows.unsafelyUnwrapped + slot * lagWidth
    }

    /// Key `slot`'s reference block (the seasonal reference's values, then the residual
    /// whitening's; `blockWidth > 0` only).
    @inlinable
    public func block(_ slot: Int) -> UnsafeMutablePointer<Float> {
        precondition(slot >= 0 && slot < keyCount && blockWidth > 0)
        return blocks.unsafelyUnwrapped + slot * blockWidth
    }

    /// Key `slot`'s score-calibration histogram (``ScoreCalibration/storageCount`` values).
    @inlinable
    public func histogram(_ slot: Int) -> UnsafeMutablePointer<Float> {
        precondition(slot >= 0 && slot < keyCount)
        return histograms.unsafelyUnwrapped + slot * ScoreCalibration.storageCount
    }

    /// Key `slot`'s scalars.
    @inlinable
    public func state(_ slot: Int) -> UnsafeMutablePointer<KeyState> {
        precondition(slot >= 0 && slot < keyCount)
        return states.unsafelyUnwrapped + slot
    }

    /// Returns key `slot` to the state of a key that has seen nothing (unit scales, every other
    /// value 0, fresh scalars).
    public func reset(_ slot: Int) {
        theta(slot).update(repeating: 0, count: dimension)
        scale(slot).update(repeating: 1, count: dimension)
        if lagWidth > 0 { lagWindow(slot).update(repeating: 0, count: lagWidth) }
        if blockWidth > 0 { block(slot).update(repeating: 0, count: blockWidth) }
        histogram(slot).update(repeating: 0, count: ScoreCalibration.storageCount)
        state(slot).pointee = KeyState()
    }
}
