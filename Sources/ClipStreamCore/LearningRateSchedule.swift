import RealModule

/// The learning-rate schedule of ALGORITHM.md section 5.
///
/// Epochs of length `T_k = T_0 * 2^k` (capped at the horizon `H`); during epoch `k` the rate is
/// `T_k^-alpha`, and the first rows use `max(1/n, T_k^-alpha)` so a new key behaves like a
/// running mean. Once `T_k` reaches `H` the rate stays at the floor `H^-alpha`, so the estimator
/// keeps following drift on a never-ending stream. The rate depends on the row count alone.
public struct LearningRateSchedule: Sendable, Equatable {
    /// `T_k^-alpha` for every epoch `k` (at most 64); the last entries equal the floor.
    @usableFromInline let epochRates: [Double]
    @usableFromInline let initialEpochLength: Int

    /// Builds the rate table for `configuration`.
    public init(_ configuration: Configuration) {
        initialEpochLength = configuration.initialEpochLength
        epochRates = (0..<64).map { k in
            let length = min(
                Double(configuration.initialEpochLength) * Double(sign: .plus, exponent: k, significand: 1),
                Double(configuration.horizon))
            return Double.pow(length, -configuration.alpha)
        }
    }

    /// The rate for the `n`-th row (1-based) of a key.
    /// - Complexity: O(1), no allocation.
    @inlinable
    public func rate(forRow n: Int) -> Double {
        precondition(n >= 1)
        // Epoch k covers rows T_0 (2^k - 1) + 1 ... T_0 (2^(k+1) - 1).
        let q = UInt64((n - 1) / initialEpochLength + 1)
        let k = 63 - q.leadingZeroBitCount
        return max(1 / Double(n), epochRates[k])
    }

    /// The floor rate `H^-alpha` reached at the horizon.
    public var floorRate: Double { epochRates[63] }
}
