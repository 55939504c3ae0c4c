/// Whether a key mutes alerts that repeat its habit (``AlertHabit``): a lone column that keeps
/// spiking on its own is that host's way of working, not a new incident each time.
public enum RepeatMuting: String, Sendable, Hashable, CaseIterable {
    /// Every alert is raised.
    case off
    /// The default: the location model of inputs wider than
    /// ``Season/automaticMaximumDimension`` features mutes repeats. Narrow inputs do not: one
    /// column carries every one of their alerts, so every alert would look like a repeat.
    case automatic = "auto"
    /// Every key of a location model mutes repeats.
    case on

    /// The setting's spelling on the command line and in a saved state.
    public var setting: String { rawValue }
}

extension Configuration {
    /// Whether this configuration mutes repeats: ``repeatMuting`` with `auto` resolved against
    /// the input and model widths (regression models never do: their score is one residual).
    public var effectiveRepeatMuting: RepeatMuting {
        guard model == .location else { return .off }
        switch repeatMuting {
        case .automatic: return Self.isNarrow(dimension: dimension, model: model) ? .off : .on
        case .on, .off: return repeatMuting
        }
    }

    /// The per-key layout of the alert habit (nil when repeats are not muted).
    public var alertHabitLayout: AlertHabit? {
        effectiveRepeatMuting == .on ? AlertHabit(dimension: dimension) : nil
    }

    /// Where the alert habit's values start in a key's reference block: after the seasonal
    /// and whitening ones.
    public var alertHabitStartInBlock: Int { whiteningStartInBlock + (whiteningLayout?.storageCount ?? 0) }

    /// Where a key's alert habit starts in its ``KeySnapshot/values``.
    public var alertHabitBlockOffset: Int { seasonalBlockOffset + alertHabitStartInBlock }
}
