/// Why a ``HardCaseConfiguration`` was rejected; each case carries the offending value.
public enum SyntheticConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The non-negative magnitudes a configuration holds, named as in the configuration.
    public enum Magnitude: String, Sendable, Equatable, CaseIterable {
        /// ``HardCaseConfiguration/spikeMagnitude``.
        case spikeMagnitude
        /// ``HardCaseConfiguration/shiftMagnitude``.
        case shiftMagnitude
        /// ``HardCaseConfiguration/regimeShiftMagnitude``.
        case regimeShiftMagnitude
        /// ``HardCaseConfiguration/driftPerRow``.
        case driftPerRow
    }

    /// `keys` was above ``HardCaseConfiguration/maximumKeys``.
    case keysTooMany(Int)
    /// `dimension` was above ``HardCaseConfiguration/maximumDimension``.
    case dimensionTooLarge(Int)
    /// `rows` was below 1.
    case rowsNotPositive(Int)
    /// `keys` was below 1.
    case keysNotPositive(Int)
    /// `dimension` was below 1.
    case dimensionNotPositive(Int)
    /// `constantColumns` was negative or not below `dimension` (at least one column must vary).
    case constantColumnsOutOfRange(constantColumns: Int, dimension: Int)
    /// `tailDegreesOfFreedom` was not above 2 (the unit-variance scaling needs a finite variance).
    case degreesOfFreedomTooSmall(Double)
    /// `anomalyFraction` was outside [0, 0.5].
    case anomalyFractionOutOfRange(Double)
    /// `warmupRows` was negative.
    case warmupRowsNegative(Int)
    /// `anomalySegmentLength` was below 1.
    case anomalySegmentLengthNotPositive(Int)
    /// `regimeShiftEvery` was negative (0 disables regime shifts).
    case regimeShiftEveryNegative(Int)
    /// A magnitude was negative, infinite or NaN.
    case magnitudeInvalid(Magnitude, Double)
    /// `scaleDecades` was outside [0, 24].
    case scaleDecadesOutOfRange(Double)

    /// A one-line explanation naming the parameter, its value and the accepted range.
    public var description: String {
        switch self {
        case .rowsNotPositive(let value): "rows must be at least 1, got \(value)"
        case .keysNotPositive(let value): "keys must be at least 1, got \(value)"
        case .dimensionNotPositive(let value): "dimension must be at least 1, got \(value)"
        case .constantColumnsOutOfRange(let constantColumns, let dimension):
            "constantColumns must be in 0..<dimension (\(dimension)), got \(constantColumns)"
        case .degreesOfFreedomTooSmall(let value):
            "tailDegreesOfFreedom must be greater than 2, got \(value)"
        case .anomalyFractionOutOfRange(let value):
            "anomalyFraction must be in [0, 0.5], got \(value)"
        case .warmupRowsNegative(let value): "warmupRows must be at least 0, got \(value)"
        case .anomalySegmentLengthNotPositive(let value):
            "anomalySegmentLength must be at least 1, got \(value)"
        case .regimeShiftEveryNegative(let value):
            "regimeShiftEvery must be at least 0 (0 disables), got \(value)"
        case .keysTooMany(let value): "keys must be at most \(HardCaseConfiguration.maximumKeys), got \(value)"
        case .dimensionTooLarge(let value): "dimension must be at most \(HardCaseConfiguration.maximumDimension), got \(value)"
        case .magnitudeInvalid(let name, let value):
            "\(name.rawValue) must be in [0, \(HardCaseConfiguration.maximumMagnitude)], got \(value)"
        case .scaleDecadesOutOfRange(let value):
            "scaleDecades must be in [0, 24], got \(value)"
        }
    }
}
