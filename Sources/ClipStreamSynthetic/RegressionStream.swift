#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A seeded single-key stream for the regression models: features of mixed magnitudes, a
/// target that depends on them linearly (or a 0/1 label drawn from a logistic model), heavy-
/// tailed noise, corrupted targets, and optional abrupt changes of the coefficients.
///
/// Each row is the features followed by the target (the last column). Feature `j` is
/// `N(0, sigma_j^2)` with `sigma_j = 10^((j mod 3) - 1)`, and its coefficient is
/// `N(0, 1) / sigma_j`, so every feature contributes on the same scale whatever its units.
public struct RegressionStream: Sendable {
    /// What the stream holds.
    public struct Settings: Sendable, Equatable {
        /// Number of features (the row has one more column: the target).
        public var features: Int = 10
        /// Degrees of freedom of the Student-t noise (`.infinity`: Gaussian), unit scale.
        public var noiseDegreesOfFreedom: Double = .infinity
        /// Share of rows whose target is corrupted.
        public var corruptionFraction: Double = 0.1
        /// A corrupted linear target is moved by a random sign times `10^U(3, 5)` noise
        /// scales; a corrupted label is flipped against a confident prediction (`|eta| > 2`).
        public var logistic: Bool = false
        /// Rows between abrupt redraws of the coefficients (0: never).
        public var changeEvery: Int = 0
        /// The stream's seed.
        public var seed: UInt64 = 1

        /// The defaults: 10 features, Gaussian noise, 10% corrupted targets, no drift.
        public init() {}
    }

    /// One row and whether its target was corrupted (the anomaly label).
    public struct Row: Sendable {
        /// The features, then the target.
        public var values: [Float]
        /// Whether the target was corrupted.
        public var corrupted: Bool
    }

    /// The stream's settings.
    public let settings: Settings
    /// The current coefficients (per feature; the intercept is ``intercept``).
    public private(set) var coefficients: [Double]
    /// The current intercept.
    public private(set) var intercept: Double
    /// Each feature's standard deviation.
    public let featureScales: [Double]
    private var generator: SeededGenerator
    private var rowsEmitted = 0

    /// A stream with `settings`; its first coefficients are drawn from the seed.
    public init(_ settings: Settings) {
        precondition(settings.features >= 1 && (0...1).contains(settings.corruptionFraction))
        self.settings = settings
        generator = SeededGenerator(seed: settings.seed)
        featureScales = (0..<settings.features).map { j in pow(10, Double(j % 3 - 1)) }
        coefficients = []
        intercept = 0
        redraw()
    }

    /// The next row.
    /// - Complexity: O(features); allocates the row.
    public mutating func next() -> Row {
        if settings.changeEvery > 0 && rowsEmitted > 0 && rowsEmitted % settings.changeEvery == 0 {
            redraw()
        }
        rowsEmitted += 1
        var values = [Float](repeating: 0, count: settings.features + 1)
        var eta = intercept
        for j in 0..<settings.features {
            let x = featureScales[j] * Distributions.standardNormal(using: &generator)
            values[j] = Float(x)
            eta += coefficients[j] * Double(Float(x))
        }
        let corrupt = Distributions.uniform(using: &generator) < settings.corruptionFraction
        if settings.logistic {
            let p = 1 / (1 + exp(-eta))
            var label = Distributions.uniform(using: &generator) < p ? 1.0 : 0.0
            // Only a confident prediction can be contradicted: elsewhere a flip is noise.
            let flipped = corrupt && abs(eta) > 2
            if flipped { label = eta > 0 ? 0 : 1 }
            values[settings.features] = Float(label)
            return Row(values: values, corrupted: flipped)
        }
        let noise = settings.noiseDegreesOfFreedom.isInfinite
            ? Distributions.standardNormal(using: &generator)
            : Distributions.studentT(degreesOfFreedom: settings.noiseDegreesOfFreedom, using: &generator)
        var y = eta + noise
        if corrupt {
            let magnitude = pow(10, 3 + 2 * Distributions.uniform(using: &generator))
            y += Distributions.sign(using: &generator) * magnitude
        }
        values[settings.features] = Float(y)
        return Row(values: values, corrupted: corrupt)
    }

    /// `||(w - beta) * sigma|| / ||beta * sigma||` over the features: the error of estimated
    /// weights `w` in units of each feature's contribution (the intercept excluded).
    public func coefficientError(_ w: [Float]) -> Double {
        var error = 0.0
        var norm = 0.0
        for j in 0..<settings.features {
            let e = (Double(w[j]) - coefficients[j]) * featureScales[j]
            let b = coefficients[j] * featureScales[j]
            error += e * e
            norm += b * b
        }
        return (error / norm).squareRoot()
    }

    private mutating func redraw() {
        // A logistic model's coefficients are scaled so that |eta| is often beyond 2 (confident).
        let strength = settings.logistic ? 2 / Double(settings.features).squareRoot() * 1.5 : 1
        coefficients = featureScales.map { strength * Distributions.standardNormal(using: &generator) / $0 }
        intercept = settings.logistic ? 0 : 5 * Distributions.standardNormal(using: &generator)
    }
}
