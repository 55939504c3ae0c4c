/// Whether each key also scores its rows against the same point one period earlier
/// (``SeasonalReference``), and how the period is chosen.
public enum Season: Sendable, Hashable {
    /// No seasonal reference.
    case off
    /// The default: keys of narrow inputs (at most ``Season/automaticMaximumDimension``
    /// features) find their own period from their first ``Season/detectionRows`` rows; wider
    /// inputs have no seasonal reference (their own columns carry the context, and a ring of
    /// past rows would cost `4 P d` bytes per key).
    case automatic
    /// Every key compares with the row `P` rows earlier.
    case period(Int)

    /// Widest input for which ``automatic`` keeps a seasonal reference.
    public static let automaticMaximumDimension = 4
    /// Rows a key buffers before it picks its period; the longest period it can find is half
    /// of it (a daily cycle of 5-minute samples, 288, repeats 3.5 times in 1,024 rows).
    public static let detectionRows = 1024
    /// Longest period `--season P` accepts.
    public static let longestPeriod = 100_000

    /// The setting's spelling on the command line and in a saved state.
    public var setting: String {
        switch self {
        case .off: "off"
        case .automatic: "auto"
        case .period(let p): "\(p)"
        }
    }

    /// Parses ``setting``'s spelling (`off`, `auto` or a positive period).
    public init?(setting: String) {
        switch setting {
        case "off": self = .off
        case "auto": self = .automatic
        default:
            guard let p = Int(setting), p >= 1 else { return nil }
            self = .period(p)
        }
    }
}

extension Configuration {
    /// The seasonal reference this configuration runs: ``season`` with `auto` resolved against
    /// the input width and the model (regression models have none; a regression of a series on
    /// its lags already predicts from its past).
    public var effectiveSeason: Season {
        guard model == .location else { return .off }
        switch season {
        case .automatic where !Self.isNarrow(dimension: dimension, model: model): return .off
        default: return season
        }
    }

    /// The per-key layout of the seasonal reference (nil when there is none).
    public var seasonalLayout: SeasonalReference? {
        switch effectiveSeason {
        case .off: nil
        case .automatic: SeasonalReference(width: dimension, fixedPeriod: 0)
        case .period(let p): SeasonalReference(width: dimension, fixedPeriod: p)
        }
    }
}
