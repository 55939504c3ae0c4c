/// A deterministic pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// The same seed yields the same sequence on every platform and Swift version, because the
/// algorithm uses only wrapping integer arithmetic (unlike `SystemRandomNumberGenerator`, which
/// is not seedable). xoshiro256** was chosen over a linear congruential generator for its
/// statistical quality and over the Mersenne Twister for its 32-byte state, which keeps one
/// generator per key cheap.
///
/// SplitMix64 expands the 64-bit seed into the 256-bit state, as the xoshiro authors recommend,
/// so nearby seeds (0, 1, 2, ...) still give unrelated streams and the all-zero state is
/// unreachable.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole output is determined by `seed`.
    /// - Parameter seed: any 64-bit value; 0 is allowed.
    /// - Complexity: O(1), no allocation.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = Self.splitMix64(&mixer)
        s1 = Self.splitMix64(&mixer)
        s2 = Self.splitMix64(&mixer)
        s3 = Self.splitMix64(&mixer)
    }

    /// Returns the next 64 random bits and advances the state.
    /// - Returns: a uniformly distributed `UInt64`.
    /// - Complexity: O(1), no allocation.
    public mutating func next() -> UInt64 {
        let result = Self.rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotateLeft(s3, by: 45)
        return result
    }

    /// One SplitMix64 step: advances `state` by the golden-ratio increment and mixes it.
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 &- k))
    }
}
