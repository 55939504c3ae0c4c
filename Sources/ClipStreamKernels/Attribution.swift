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
        precondition(k >= 0 && k <= count, "k must be in 0...count")
        guard k > 0 else { return }
        var filled = 0
        for j in 0..<count {
            let value = z[j] * z[j]
            if filled == k && !(value > abs(shares[k - 1])) { continue }
            // Insertion into the running top-k, kept sorted by magnitude (stored unsigned here).
            var position = min(filled, k - 1)
            if filled < k { filled += 1 }
            while position > 0 && value > shares[position - 1] {
                shares[position] = shares[position - 1]
                indices[position] = indices[position - 1]
                position -= 1
            }
            shares[position] = value
            indices[position] = Int32(truncatingIfNeeded: j)
        }
        let inverse = squaredNorm > 0 ? 1 / squaredNorm : 0
        for i in 0..<filled {
            let j = Int(indices[i])
            let share = Float(Double(shares[i]) * inverse)
            shares[i] = z[j] < 0 ? -share : share
        }
    }
}
