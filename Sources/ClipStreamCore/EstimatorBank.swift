/// Storage of many independent per-key estimators: K keys by `d` dimensions.
///
/// ## Memory layout
/// Struct of arrays: `theta` and `scale` are each one contiguous row-major `[Float]` of
/// `K * d` values (key `k`'s row starts at `k * d`), and the per-key scalars are one
/// `[KeyState]`. Memory per key: `8 d + 56` bytes (plus the key's name in the router).
/// Rows are lent only inside ``withStorage(_:)``; no pointer escapes it.
public struct EstimatorBank: Sendable {
    /// Features per key.
    public let dimension: Int
    private var theta: [Float] = []
    private var scale: [Float] = []
    private var states: [KeyState] = []

    /// An empty bank for rows of `dimension` features.
    public init(dimension: Int) {
        precondition(dimension >= 1)
        self.dimension = dimension
    }

    /// Number of keys held.
    public var keyCount: Int { states.count }

    /// Bytes of estimator state per key.
    public var bytesPerKey: Int { 2 * dimension * MemoryLayout<Float>.stride + MemoryLayout<KeyState>.stride }

    /// Adds a key with a blank estimator and returns its slot.
    /// - Complexity: amortized O(d); allocates only when the arrays grow.
    public mutating func addKey() -> Int {
        theta.append(contentsOf: repeatElement(0, count: dimension))
        scale.append(contentsOf: repeatElement(1, count: dimension))
        states.append(KeyState())
        return states.count - 1
    }

    /// A copy of one key's location estimate (for tests and inspection, not the hot path).
    public func location(slot: Int) -> [Float] {
        Array(theta[slot * dimension..<(slot + 1) * dimension])
    }

    /// A copy of one key's scale (for tests and inspection).
    public func scaleEstimate(slot: Int) -> [Float] {
        Array(scale[slot * dimension..<(slot + 1) * dimension])
    }

    /// One key's scalars.
    public func state(slot: Int) -> KeyState { states[slot] }

    /// Lends the whole storage for one batch of row updates.
    ///
    /// The pointers are valid only inside `body`; `theta` and `scale` hold `keyCount * dimension`
    /// values, `states` holds `keyCount`.
    public mutating func withStorage<R>(
        _ body: (BankStorage) throws -> R
    ) rethrows -> R {
        let d = dimension
        return try theta.withUnsafeMutableBufferPointer { t in
            try scale.withUnsafeMutableBufferPointer { s in
                try states.withUnsafeMutableBufferPointer { k in
                    // Non-nil: each array has at least one element whenever keyCount > 0, and
                    // callers only index slots below keyCount.
                    try body(BankStorage(
                        theta: t.baseAddress, scale: s.baseAddress, states: k.baseAddress,
                        dimension: d, keyCount: k.count))
                }
            }
        }
    }

    /// Checks invariants: every value finite, every scale positive, every clip level non-negative.
    public func checkInvariants() -> Bool {
        theta.allSatisfy(\.isFinite) && scale.allSatisfy { $0.isFinite && $0 > 0 }
            && states.allSatisfy { $0.clipLevel >= 0 && $0.clipLevel.isFinite }
    }
}

/// Pointers into an ``EstimatorBank`` for the duration of one `withStorage` call.
public struct BankStorage {
    @usableFromInline let theta: UnsafeMutablePointer<Float>?
    @usableFromInline let scale: UnsafeMutablePointer<Float>?
    @usableFromInline let states: UnsafeMutablePointer<KeyState>?
    /// Features per key.
    public let dimension: Int
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

    /// Key `slot`'s scalars.
    @inlinable
    public func state(_ slot: Int) -> UnsafeMutablePointer<KeyState> {
        precondition(slot >= 0 && slot < keyCount)
        return states.unsafelyUnwrapped + slot
    }
}
