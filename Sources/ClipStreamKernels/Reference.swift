/// Scalar `Double` twins of every kernel: the oracle the tests compare the fast paths with.
///
/// Deliberately naive: one loop per formula, no SIMD, no BLAS.
public enum Reference {
    /// `z = (x - theta) / scale` and `sum(z^2)`.
    public static func standardizedResidual(
        x: [Float], theta: [Float], scale: [Float]
    ) -> (z: [Double], squaredNorm: Double) {
        var z = [Double](repeating: 0, count: x.count)
        var sum = 0.0
        for j in x.indices {
            z[j] = (Double(x[j]) - Double(theta[j])) / Double(scale[j])
            sum += z[j] * z[j]
        }
        return (z, sum)
    }

    /// `min(1, threshold / sqrt(squaredNorm))`.
    public static func clipFactor(squaredNorm: Double, threshold: Double) -> Double {
        let norm = squaredNorm.squareRoot()
        return norm > threshold ? threshold / norm : 1
    }

    /// The location step and scale step of ``LocationKernels/clippedUpdate``.
    public static func clippedUpdate(
        theta: [Float], scale: [Float], z: [Double], step: Double,
        rate: Double, clip: Double, absoluteFloor: Double, relativeFloor: Double
    ) -> (theta: [Double], scale: [Double]) {
        var newTheta = [Double](repeating: 0, count: theta.count)
        var newScale = [Double](repeating: 0, count: theta.count)
        for j in theta.indices {
            newTheta[j] = Double(theta[j]) + step * Double(scale[j]) * z[j]
            let u = min(abs(z[j]), clip)
            let grown = min(Double(scale[j]) * (1 + rate * (u - 1)), Double(ScaleStep.maximumScale))
            newScale[j] = max(grown, max(absoluteFloor, relativeFloor * abs(newTheta[j])))
        }
        return (newTheta, newScale)
    }

    /// Signed shares `sign(z_j) z_j^2 / ||z||^2`, top `k` by magnitude, ties by lower index.
    public static func topContributions(z: [Double], k: Int) -> [(index: Int, share: Double)] {
        let total = z.reduce(0) { $0 + $1 * $1 }
        let ranked = z.indices.sorted { a, b in
            let (va, vb) = (z[a] * z[a], z[b] * z[b])
            return va != vb ? va > vb : a < b
        }
        return ranked.prefix(k).map { j in
            let share = total > 0 ? z[j] * z[j] / total : 0
            return (j, z[j] < 0 ? -share : share)
        }
    }
}
