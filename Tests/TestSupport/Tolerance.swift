/// The relative difference `|a - b| / max(|a|, |b|)`, 0 when both are 0.
///
/// Symmetric in its arguments, unlike `|a - b| / |b|`, so a test does not need to decide which
/// value is the reference.
/// - Parameters:
///   - a: one value.
///   - b: the other value.
/// - Returns: a non-negative relative difference (NaN if either value is NaN).
public func relativeDifference(_ a: Double, _ b: Double) -> Double {
    let magnitude = max(abs(a), abs(b))
    return magnitude == 0 ? 0 : abs(a - b) / magnitude
}

/// Whether `a` and `b` agree within a relative budget or an absolute one (numerics'
/// `assertClose` idea: state the budget at every call).
///
/// The absolute budget matters near zero, where any relative budget is unattainable.
/// - Parameters:
///   - a: one value.
///   - b: the other value.
///   - relative: allowed relative difference; the default is about 4.5 ulps of a Double.
///   - absolute: allowed absolute difference.
/// - Returns: `true` when either budget holds; `false` for NaN.
public func isClose(
    _ a: Double, _ b: Double, relative: Double = 1e-15, absolute: Double = 0
) -> Bool {
    if a == b { return true }
    return abs(a - b) <= absolute || relativeDifference(a, b) <= relative
}

/// Whether the optional `a` holds a value close to `b`; `nil` is never close.
/// - Parameters:
///   - a: a metric result that may be `nil`.
///   - b: the expected value.
///   - relative: allowed relative difference.
///   - absolute: allowed absolute difference.
/// - Returns: `true` when `a` is non-nil and within budget.
public func isClose(
    _ a: Double?, _ b: Double, relative: Double = 1e-15, absolute: Double = 0
) -> Bool {
    guard let a else { return false }
    return isClose(a, b, relative: relative, absolute: absolute)
}
