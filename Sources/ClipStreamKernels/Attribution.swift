/// Signed top-k attribution of a standardized residual.
public enum Attribution {
    /// Selects the `k` coordinates with the largest share `z[j]^2 / squaredNorm` and writes
    /// their indices and signed shares (the sign of `z[j]`), largest first; ties keep the lower
    /// index first. Shares of all coordinates sum to 1.
    ///
    /// - Parameters:
    ///   - z: the standardized residual (or its unit direction with `squaredNorm` 1).
    ///   - count: the dimension.
    ///   - squaredNorm: `sum(z^2)`; a zero norm gives zero shares.
    ///   - k: how many to report, at most `count`.
    ///   - indices, shares: outputs of `k` elements.
    /// - Complexity: O(count * k) worst case, O(count) typical; no allocation.
    @inlinable
    public static func topContributions(
        z: UnsafePointer<Float>, count: Int, squaredNorm: Double, k: Int,
        indices: UnsafeMutablePointer<Int32>, shares: UnsafeMutablePointer<Float>
    ) {
        selectTop(count: count, total: squaredNorm, k: k, indices: indices, shares: shares, isNegative: { z[$0] < 0 }) {
            z[$0] * z[$0]
        }
    }

    /// Selects the `k` coordinates with the largest share `|values[j]| / sum(|values|)` and
    /// writes their indices and shares, signed as `values[j]`, largest first; ties keep the
    /// lower index first. Writes nothing and returns false when every value is 0 (or their sum
    /// is not finite).
    ///
    /// - Parameters:
    ///   - values: `count` signed contributions.
    ///   - count: the dimension.
    ///   - k: how many to report, at most `count`.
    ///   - indices, shares: outputs of `k` elements.
    /// - Complexity: O(count * k) worst case, O(count) typical; no allocation.
    @inlinable @discardableResult
    public static func topShares(
        of values: UnsafePointer<Float>, count: Int, k: Int,
        indices: UnsafeMutablePointer<Int32>, shares: UnsafeMutablePointer<Float>
    ) -> Bool {
        var total = 0.0
        for j in 0..<count { total += Double(abs(values[j])) }
        guard total > 0 && total.isFinite else { return false }
        selectTop(count: count, total: total, k: k, indices: indices, shares: shares, isNegative: { values[$0] < 0 }) {
            abs(values[$0])
        }
        return true
    }

    /// The running top-`k` of `value(j)` over `j < count`, as shares of `total` signed by
    /// `isNegative(j)`.
    @inlinable
    static func selectTop(
        count: Int, total: Double, k: Int, indices: UnsafeMutablePointer<Int32>,
        shares: UnsafeMutablePointer<Float>, isNegative: (Int) -> Bool, value: (Int) -> Float
    ) {
        precondition(k >= 0 && k <= count, "k must be in 0...count")
        guard k > 0 else { return }
        var filled = 0
        for j in 0..<count {
            let v = value(j)
            if filled == k && !(v > abs(shares[k - 1])) { continue }
            // Insertion into the running top-k, kept sorted by magnitude (stored unsigned here).
            var position = min(filled, k - 1)
            if filled < k { filled += 1 }
            while position > 0 && v > shares[position - 1] {
                shares[position] = shares[position - 1]
                indices[position] = indices[position - 1]
                position -= 1
            }
            shares[position] = v
            indices[position] = Int32(truncatingIfNeeded: j)
        }
        let inverse = total > 0 ? 1 / total : 0
        for i in 0..<filled {
            let j = Int(indices[i])
            let share = Float(Double(shares[i]) * inverse)
            shares[i] = isNegative(j) ? -share : share
        }
    }
}
