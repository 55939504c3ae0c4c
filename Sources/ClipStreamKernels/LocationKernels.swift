/// Row kernels of the location model over contiguous `Float` storage.
///
/// Shapes are checked by the caller (the estimator bank hands out rows of exactly `count`
/// elements); the loops below then run without per-element checks. Accumulation uses two
/// 8-lane SIMD accumulators in a fixed order, so a result depends only on the inputs and
/// `count`, never on alignment, batch or thread.
public enum LocationKernels {
    /// Writes the standardized residual `z[j] = (x[j] - theta[j]) / scale[j]` and returns
    /// `sum(z[j]^2)` accumulated in `Float`.
    ///
    /// The sum is `+infinity` when a residual or its square overflows `Float`; callers then
    /// switch to ``WideKernels`` for that row (overflow is guarded there, not by a slower
    /// scaled norm on every row: `cblas_snrm2` costs 5-8x `sdot` on this hardware).
    /// - Parameters:
    ///   - x: the row, `count` finite values.
    ///   - theta: the location estimate.
    ///   - scale: the per-dimension scale, every entry positive.
    ///   - z: output, `count` values.
    ///   - count: the dimension.
    ///   - strategy: `.fused` accumulates in the same pass; `.blas` calls `cblas_sdot` after.
    /// - Returns: the squared norm of `z`.
    /// - Complexity: O(count), one pass (two with `.blas`), no allocation.
    @inlinable
    public static func standardizedResidual(
        x: UnsafePointer<Float>, theta: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        into z: UnsafeMutablePointer<Float>, count: Int, strategy: KernelStrategy = .fused
    ) -> Float {
        switch strategy {
        case .fused:
            return fusedResidual(x: x, theta: theta, scale: scale, into: z, count: count)
        case .blas:
            residualOnly(x: x, theta: theta, scale: scale, into: z, count: count)
            return BLAS.dot(UnsafePointer(z), UnsafePointer(z), count: count)
        }
    }

    /// The clip factor `min(1, threshold / pull)`: the scalar a row's step is multiplied by so
    /// that it moves the estimate by at most `eta * threshold`.
    /// - Complexity: O(1).
    @inlinable
    public static func clipFactor(pull: Double, threshold: Double) -> Double {
        pull > threshold ? threshold / pull : 1
    }

    /// Sum of squares of `count` contiguous values, accumulated in `Float` by the fused SIMD loop.
    /// - Complexity: O(count), no allocation.
    @inlinable
    public static func squaredNorm(_ v: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = SIMD8<Float>()
        var acc1 = SIMD8<Float>()
        var j = 0
        let raw = UnsafeRawPointer(v)
        // In bounds: j + 16 <= count, and v holds count elements.
        while j + 16 <= count {
            let a = raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
            let b = raw.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
            acc0 = acc0 + a * a
            acc1 = acc1 + b * b
            j &+= 16
        }
        var tail: Float = 0
        while j < count {
            tail += v[j] * v[j]
            j &+= 1
        }
        return (acc0 + acc1).sum() + tail
    }

    /// The clipped location step and the scale step, applied in place:
    ///
    ///     theta[j] += step * scale[j] * z[j]
    ///     scale[j]  = max(floor[j], scale[j] * (1 + scaleRate * (min(|z[j]|, scaleClip) - 1)))
    ///     floor[j]  = max(absoluteFloor, relativeFloor * |theta[j]|)   (theta after its step)
    ///
    /// `step` already holds the learning rate times the clip factor, so a row moves theta by at
    /// most `eta * lambda` in the standardized norm. The scale's own increment is clipped per
    /// coordinate at `scaleClip`, so one row can grow a scale by at most `1 + scaleRate * (scaleClip - 1)`.
    /// - Parameters:
    ///   - strategy: `.fused` does both in one pass; `.blas` forms `scale * z` in `work` and
    ///     calls `cblas_saxpy`, then runs the scale loop.
    ///   - work: scratch of `count` values, used only by `.blas`.
    /// - Complexity: O(count), one pass (three with `.blas`), no allocation.
    @inlinable
    public static func clippedUpdate(
        theta: UnsafeMutablePointer<Float>, scale: UnsafeMutablePointer<Float>,
        z: UnsafePointer<Float>, count: Int, step: Float, rates: ScaleStep,
        strategy: KernelStrategy = .fused, work: UnsafeMutablePointer<Float>? = nil
    ) {
        switch strategy {
        case .fused:
            fusedUpdate(theta: theta, scale: scale, z: z, count: count, step: step, rates: rates)
        case .blas:
            guard let work else { preconditionFailure("the BLAS update needs a work buffer") }
            for j in 0..<count { work[j] = scale[j] * z[j] }
            BLAS.axpy(step, UnsafePointer(work), theta, count: count)
            // The scale half of the fused loop (vectorized; theta + 0 * (s z) leaves theta as is).
            fusedUpdate(theta: theta, scale: scale, z: z, count: count, step: 0, rates: rates)
        }
    }

    @inlinable
    static func fusedResidual(
        x: UnsafePointer<Float>, theta: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        into z: UnsafeMutablePointer<Float>, count: Int
    ) -> Float {
        // Two passes over L1-resident data beat one explicit-SIMD pass here: the plain loop
        // vectorizes cleanly, and the sum runs on z alone with fixed-order SIMD accumulators.
        residualOnly(x: x, theta: theta, scale: scale, into: z, count: count)
        return squaredNorm(UnsafePointer(z), count: count)
    }

    @inlinable
    static func residualOnly(
        x: UnsafePointer<Float>, theta: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        into z: UnsafeMutablePointer<Float>, count: Int
    ) {
        for j in 0..<count { z[j] = (x[j] - theta[j]) / scale[j] }
    }

    /// `Float`'s largest finite value: the bound of every estimate.
    @usableFromInline static let largest = Float.greatestFiniteMagnitude

    @inlinable
    static func fusedUpdate(
        theta: UnsafeMutablePointer<Float>, scale: UnsafeMutablePointer<Float>,
        z: UnsafePointer<Float>, count: Int, step: Float, rates: ScaleStep
    ) {
        // A plain loop, vectorized by LLVM (no reduction). Explicit SIMD8 with the standard
        // library's pointwiseMin/Max ran 10x slower here: they were not lowered to vector code.
        let rate = rates.rate
        let clip = rates.clip
        let absoluteFloor = rates.absoluteFloor
        let relativeFloor = rates.relativeFloor
        let influence = rates.influence
        for j in 0..<count {
            let zj = z[j]
            let s = scale[j]
            // Bounded: with `z = (x - theta) / s` rounded, `s z` can round past `Float`'s
            // largest value for a row near it (a scale of 7e29 left by absurd first rows, then a
            // row of 3.4e38: theta and the scale became infinite and the next row trapped).
            // Such rows are absurd and take the wide kernel (`RowStep`); here the estimate stays
            // finite whatever comes.
            let moved = theta[j] + step * (s * zj)
            let upper = moved < Self.largest ? moved : Self.largest
            let t = upper > -Self.largest ? upper : -Self.largest
            theta[j] = t
            // Ternaries rather than min/max: no NaN reaches here, and the plain compare lowers
            // to minps/maxps instead of the NaN-ordering blend sequence of Swift.min/max.
            let a = zj.magnitude * influence
            let u = a < clip ? a : clip
            let grown = s * (1 + rate * (u - 1))
            let relative = relativeFloor * t.magnitude
            let floor = relative > absoluteFloor ? relative : absoluteFloor
            let bounded = grown < ScaleStep.maximumScale ? grown : ScaleStep.maximumScale
            scale[j] = bounded > floor ? bounded : floor
        }
    }
}

/// Parameters of the per-coordinate scale step (see ``LocationKernels/clippedUpdate``).
public struct ScaleStep: Sendable, Equatable {
    /// Learning rate of the scale for this row.
    public var rate: Float
    /// Per-coordinate clip of `|z|` in the scale's increment.
    public var clip: Float
    /// Absolute lower bound of every scale.
    public var absoluteFloor: Float
    /// Lower bound relative to `|theta|`, so a constant column's scale follows its magnitude.
    public var relativeFloor: Float
    /// Factor applied to `|z|` before the clip (the row's clip factor for an absurd row, so its
    /// pull on the scales is bounded like its pull on `theta`; 1 otherwise).
    public var influence: Float = 1

    /// Creates the parameters of one row's scale step.
    @inlinable
    public init(rate: Float, clip: Float, absoluteFloor: Float, relativeFloor: Float) {
        self.rate = rate
        self.clip = clip
        self.absoluteFloor = absoluteFloor
        self.relativeFloor = relativeFloor
    }

    /// The next scale of one coordinate; the scalar form the SIMD loop mirrors lane by lane.
    @inlinable
    public func next(scale s: Float, z: Float, theta: Float) -> Float {
        let u = min(abs(z) * influence, clip)
        let grown = min(s * (1 + rate * (u - 1)), Self.maximumScale)
        return max(grown, floor(theta: theta))
    }

    /// The lowest scale a coordinate may have: `max(absoluteFloor, relativeFloor * |theta|)`.
    @inlinable
    public func floor(theta: Float) -> Float {
        max(absoluteFloor, relativeFloor * abs(theta))
    }

    /// Ceiling of every scale: far above any data `Float` holds, far enough below its maximum
    /// that one step (at most `1 + rate * (clip - 1)`) can never overflow.
    public static let maximumScale: Float = 1e30
}
