/// The kinds of anomaly that ``HardCaseStream`` injects; the raw value is the name used in CSV
/// output and on the command line.
public enum AnomalyKind: String, Sendable, CaseIterable, Hashable {
    /// Every non-constant coordinate moves by `spikeMagnitude` of its own scale, with a random
    /// sign per coordinate: a large jump in every direction at once.
    case spikeAll = "spike-all"
    /// One random non-constant coordinate moves by `max(4 * spikeMagnitude, 3 * sqrt(dimension))`
    /// of its scale: invisible in any other coordinate, so it tests that one coordinate's
    /// standardized deviation is not averaged away.
    case spikeOne = "spike-one"
    /// The row's non-constant values are negated (`x_j -> -x_j`). Means sit about 3 scales from
    /// zero, so the flipped row lies about 6 scales away in each coordinate while every value
    /// keeps a plausible magnitude: a detector looking only at per-column ranges misses it.
    case signFlip = "sign-flip"
    /// Every non-constant coordinate moves by `shiftMagnitude` of its scale with a random sign:
    /// a moderate move in every direction, the subtlest of the four kinds.
    case shiftAll = "shift-all"
}
