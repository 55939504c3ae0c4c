/// The overflow-safe path of the location kernels, computed in `Double`.
///
/// Used only for a row whose `Float` squared norm overflowed (a value such as 1e30, or a
/// residual beyond `Float`'s range). `Float` inputs are at most 3.4e38 and scales are floored
/// away from zero, so every intermediate here is finite in `Double`.
public enum WideKernels {
    /// Returns `sum(z[j]^2)` in `Double` and writes the unit direction `z / ||z||` to `direction`
    /// (finite in `Float`, used for attribution).
    /// - Complexity: O(count), two passes, no allocation.
    public static func standardizedResidual(
        x: UnsafePointer<Float>, theta: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        direction: UnsafeMutablePointer<Float>, count: Int
    ) -> Double {
        var sum = 0.0
        for j in 0..<count {
            let z = (Double(x[j]) - Double(theta[j])) / Double(scale[j])
            sum += z * z
        }
        let norm = sum.squareRoot()
        for j in 0..<count {
            let z = (Double(x[j]) - Double(theta[j])) / Double(scale[j])
            direction[j] = norm > 0 ? Float(z / norm) : 0
        }
        return sum
    }

    /// The clipped location step and scale step for an overflowing row:
    /// `theta += step * (x - theta)` computed in `Double`, where `step` (learning rate times clip
    /// factor) is tiny for such a row, then the scale step of ``ScaleStep``.
    /// - Complexity: O(count), no allocation.
    public static func clippedUpdate(
        x: UnsafePointer<Float>, theta: UnsafeMutablePointer<Float>,
        scale: UnsafeMutablePointer<Float>, count: Int, step: Double, rates: ScaleStep
    ) {
        for j in 0..<count {
            let delta = Double(x[j]) - Double(theta[j])
            let z = delta / Double(scale[j])
            theta[j] = Float(Double(theta[j]) + step * delta)
            let zClamped = Float(max(-Double(rates.clip), min(Double(rates.clip), z)))
            scale[j] = rates.next(scale: scale[j], z: zClamped, theta: theta[j])
        }
    }
}
