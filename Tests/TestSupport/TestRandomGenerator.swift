/// A tiny seeded generator (SplitMix64) for test fixtures.
///
/// Deliberately independent of the generators under test, so a fixture never changes because the
/// code it checks changed, and any test target can use it (TestSupport has no dependencies).
public struct TestRandomGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose output is fixed by `seed`.
    /// - Parameter seed: any value.
    public init(seed: UInt64) { state = seed }

    /// Returns the next 64 random bits (one SplitMix64 step).
    /// - Returns: a uniformly distributed `UInt64`.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw from [0, 1) with 53 random bits.
    /// - Returns: a multiple of 2^-53 in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in `0..<bound` (multiply-high; bias below `bound / 2^64`).
    /// - Parameter bound: at least 1.
    /// - Returns: an integer in `0..<bound`.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound >= 1, "bound must be at least 1")
        return Int(UInt64(bound).multipliedFullWidth(by: next()).high)
    }
}
