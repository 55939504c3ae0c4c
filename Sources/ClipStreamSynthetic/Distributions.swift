#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Samplers for the distributions the synthetic streams draw from.
///
/// Every sampler is a pure function of the generator's state, so a seeded generator gives the
/// same draws on every run. The transcendental functions come from the platform's libm; glibc and
/// Apple's libm may differ in the last bit of `log`/`cos`, which is the only source of
/// cross-platform difference in the generated values.
public enum Distributions {
    /// A uniform draw from the half-open interval [0, 1) with 53 random bits.
    /// - Parameter g: the generator to advance (one `next()` call).
    /// - Returns: a multiple of 2^-53 in [0, 1).
    /// - Complexity: O(1).
    public static func uniform(using g: inout some RandomNumberGenerator) -> Double {
        // The top 53 bits fill a Double's mantissa exactly; the low bits of xoshiro are weaker.
        Double(g.next() >> 11) * 0x1p-53
    }

    /// A uniform draw from the open-at-zero interval (0, 1], safe to pass to `log`.
    /// - Parameter g: the generator to advance (one `next()` call).
    /// - Returns: a multiple of 2^-53 in (0, 1].
    /// - Complexity: O(1).
    static func uniformPositive(using g: inout some RandomNumberGenerator) -> Double {
        Double((g.next() >> 11) + 1) * 0x1p-53
    }

    /// A standard normal draw (mean 0, variance 1) by the Box-Muller transform.
    ///
    /// Box-Muller consumes exactly two uniforms per draw, so the generator advances by a fixed
    /// amount; the Marsaglia polar method was rejected because its rejection loop makes the
    /// number of draws consumed data-dependent (harmless, but harder to reason about). The
    /// second (sine) variate is discarded so that the sampler keeps no hidden state.
    /// - Parameter g: the generator to advance (two `next()` calls).
    /// - Returns: a draw from N(0, 1).
    /// - Complexity: O(1).
    public static func standardNormal(using g: inout some RandomNumberGenerator) -> Double {
        let radius = (-2 * log(uniformPositive(using: &g))).squareRoot()
        let angle = 2 * Double.pi * uniform(using: &g)
        return radius * cos(angle)
    }

    /// A Student-t draw, scaled to unit variance when `degreesOfFreedom > 2`.
    ///
    /// Drawn as `Z / sqrt(V / df)` with `Z` standard normal and `V` chi-squared with `df`
    /// degrees of freedom (a gamma(df/2, 2) draw by Marsaglia-Tsang). A raw t variable has
    /// variance `df / (df - 2)`; multiplying by `sqrt((df - 2) / df)` makes the variance 1 so
    /// that `scale * studentT(...)` has standard deviation `scale` whatever the tail weight.
    /// For `df <= 2` the variance is infinite and the raw t draw is returned.
    /// - Parameters:
    ///   - degreesOfFreedom: positive; `.infinity` returns `standardNormal(using:)` exactly.
    ///   - g: the generator to advance.
    /// - Returns: a draw from the (scaled) t distribution.
    /// - Complexity: O(1) expected (the gamma sampler's rejection loop accepts with probability
    ///   above 0.95).
    public static func studentT(
        degreesOfFreedom: Double, using g: inout some RandomNumberGenerator
    ) -> Double {
        precondition(degreesOfFreedom > 0, "degreesOfFreedom must be positive")
        if degreesOfFreedom == .infinity { return standardNormal(using: &g) }
        let z = standardNormal(using: &g)
        let chiSquared = 2 * gamma(shape: degreesOfFreedom / 2, using: &g)
        let t = z / (chiSquared / degreesOfFreedom).squareRoot()
        guard degreesOfFreedom > 2 else { return t }
        return t * ((degreesOfFreedom - 2) / degreesOfFreedom).squareRoot()
    }

    /// A gamma draw with the given shape and unit scale (Marsaglia and Tsang, 2000).
    ///
    /// Shapes below 1 use the boost `gamma(a) = gamma(a + 1) * U^(1/a)` from the same paper.
    /// - Parameters:
    ///   - shape: positive and finite.
    ///   - g: the generator to advance.
    /// - Returns: a positive draw with mean `shape`.
    /// - Complexity: O(1) expected.
    static func gamma(shape: Double, using g: inout some RandomNumberGenerator) -> Double {
        precondition(shape > 0 && shape.isFinite, "gamma shape must be positive and finite")
        if shape < 1 {
            let boosted = gamma(shape: shape + 1, using: &g)
            return boosted * pow(uniformPositive(using: &g), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = standardNormal(using: &g)
            let base = 1 + c * x
            guard base > 0 else { continue }
            let v = base * base * base
            let u = uniformPositive(using: &g)
            let x2 = x * x
            // The squeeze avoids the two logarithms in about 98% of iterations.
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A direction drawn uniformly from the unit sphere in `dimension` dimensions.
    ///
    /// Normalizes a vector of independent standard normals (rotation invariant, unlike
    /// normalizing a uniform cube draw).
    /// - Parameters:
    ///   - dimension: at least 1.
    ///   - g: the generator to advance.
    /// - Returns: an array of `dimension` values with Euclidean norm 1 (to rounding).
    /// - Complexity: O(dimension); allocates the result.
    public static func unitVector(
        dimension: Int, using g: inout some RandomNumberGenerator
    ) -> [Double] {
        precondition(dimension >= 1, "dimension must be at least 1")
        var vector = [Double](repeating: 0, count: dimension)
        while true {
            var squaredNorm = 0.0
            for j in 0..<dimension {
                let value = standardNormal(using: &g)
                vector[j] = value
                squaredNorm += value * value
            }
            // An all-zero draw is practically impossible but would divide by zero.
            guard squaredNorm > 0 else { continue }
            let inverseNorm = 1 / squaredNorm.squareRoot()
            for j in 0..<dimension { vector[j] *= inverseNorm }
            return vector
        }
    }

    /// A random sign, +1 or -1 with equal probability.
    /// - Parameter g: the generator to advance (one `next()` call).
    /// - Returns: `1.0` or `-1.0`.
    /// - Complexity: O(1).
    public static func sign(using g: inout some RandomNumberGenerator) -> Double {
        g.next() >> 63 == 0 ? 1 : -1
    }
}

extension Distributions {
    /// A uniform index in `0..<bound` by Lemire's multiply-high method.
    ///
    /// Written out rather than calling `Int.random(in:using:)`, whose algorithm the standard
    /// library may change between releases; the bias (below `bound / 2^64`) is negligible.
    /// - Parameters:
    ///   - bound: at least 1.
    ///   - g: the generator to advance (one `next()` call).
    /// - Returns: an integer in `0..<bound`.
    /// - Complexity: O(1).
    static func index(below bound: Int, using g: inout some RandomNumberGenerator) -> Int {
        precondition(bound >= 1, "bound must be at least 1")
        return Int(UInt64(bound).multipliedFullWidth(by: g.next()).high)
    }
}
