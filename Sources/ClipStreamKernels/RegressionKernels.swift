/// Row kernels of the per-key regression models over contiguous `Float` storage.
///
/// A row's features `u` (the target's slot holds the bias input 1) are read against a
/// per-feature scale `s`; the model works in standardized coordinates `v = u / s`, so
/// features of any magnitude learn at the same pace. Reductions use two 8-lane SIMD
/// accumulators in a fixed order, so a result depends only on the inputs and `count`.
public enum RegressionKernels {
    /// The prediction `w . u` and the squared standardized norm `sum((u[j] / s[j])^2)`, both
    /// accumulated in `Float`; either is `+-infinity` or NaN when `Float` overflows, and the
    /// caller then uses ``widePrediction(features:weights:scale:count:)``.
    /// - Complexity: O(count), one pass, no allocation.
    @inlinable
    public static func prediction(
        features u: UnsafePointer<Float>, weights w: UnsafePointer<Float>,
        scale s: UnsafePointer<Float>, count: Int
    ) -> (prediction: Float, squaredNorm: Float) {
        var dot0 = SIMD8<Float>()
        var dot1 = SIMD8<Float>()
        var norm0 = SIMD8<Float>()
        var norm1 = SIMD8<Float>()
        let ru = UnsafeRawPointer(u)
        let rw = UnsafeRawPointer(w)
        let rs = UnsafeRawPointer(s)
        var j = 0
        // In bounds: j + 16 <= count, and every pointer holds count elements.
        while j + 16 <= count {
            let u0 = ru.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
            let u1 = ru.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
            let v0 = u0 / rs.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
            let v1 = u1 / rs.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
            dot0 = dot0 + u0 * rw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
            dot1 = dot1 + u1 * rw.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
            norm0 = norm0 + v0 * v0
            norm1 = norm1 + v1 * v1
            j &+= 16
        }
        var dot: Float = 0
        var norm: Float = 0
        while j < count {
            let v = u[j] / s[j]
            dot += u[j] * w[j]
            norm += v * v
            j &+= 1
        }
        return ((dot0 + dot1).sum() + dot, (norm0 + norm1).sum() + norm)
    }

    /// ``prediction(features:weights:scale:count:)`` in `Double`, for a row that overflowed
    /// `Float` (every intermediate is finite in `Double` for finite `Float` inputs and scales
    /// floored away from zero).
    /// - Complexity: O(count), no allocation.
    public static func widePrediction(
        features u: UnsafePointer<Float>, weights w: UnsafePointer<Float>,
        scale s: UnsafePointer<Float>, count: Int
    ) -> (prediction: Double, squaredNorm: Double) {
        var dot = 0.0
        var norm = 0.0
        for j in 0..<count {
            let v = Double(u[j]) / Double(s[j])
            dot += Double(u[j]) * Double(w[j])
            norm += v * v
        }
        return (dot, norm)
    }

    /// The clipped step and the scale step, in place:
    ///
    ///     w[j] = decay * w[j] + gain * u[j] / s[j]^2    (the step is gain * v in standardized weights w * s)
    ///     s[j] = rates.next(scale: s[j], z: u[j] / s[j], theta: 0)
    ///
    /// `gain` holds the learning rate, the clip factor and the residual divided by `||v||^2`,
    /// so the standardized weights move by at most `eta * lambda / ||v||`. `decay` is the L2
    /// term's shrinkage (1 for none); the caller restores the bias, which is neither decayed
    /// nor rescaled. Computed in `Double` per element, so a row of huge values stays finite.
    /// - Complexity: O(count), one pass, no allocation.
    @inlinable
    public static func clippedUpdate(
        features u: UnsafePointer<Float>, weights w: UnsafeMutablePointer<Float>,
        scale s: UnsafeMutablePointer<Float>, count: Int, gain: Double, decay: Double,
        rates: ScaleStep
    ) {
        let clip = Double(rates.clip)
        let limit = Double(ScaleStep.maximumScale)
        for j in 0..<count {
            let sj = Double(s[j])
            let v = Double(u[j]) / sj
            // Bounded like the scales, so an absurd target (3e38) cannot overflow a weight.
            let next = decay * Double(w[j]) + gain * v / sj
            w[j] = Float(max(-limit, min(limit, next)))
            let z = Float(max(-clip, min(clip, v)))
            s[j] = rates.next(scale: s[j], z: z, theta: 0)
        }
    }
}
