/// Whether each key ranks its rows by their whitened residual (``ResidualWhitening``): the
/// standardized residual against the covariance of the key's own past residuals, which sees a
/// row that breaks how the key's columns usually move together.
public enum Whitening: String, Sendable, Hashable, CaseIterable {
    /// No whitening: rows rank by the root mean square of their standardized residual.
    case off
    /// The default: the location model of ``automaticDimensions`` model features (the row and
    /// its lags) whitens; wider models do not (the covariance and its factor cost about
    /// `4 d (d + 8)` bytes per key and `d^2` multiply-adds per row).
    case automatic = "auto"
    /// Every key whitens (location model, at most ``largestDimension`` model features).
    case on

    /// Model widths ``automatic`` whitens.
    public static let automaticDimensions = 2...64
    /// Widest model ``on`` accepts: the covariance and its factor take about `4 d (d + 8)` bytes
    /// per key.
    public static let largestDimension = 256

    /// The setting's spelling on the command line and in a saved state.
    public var setting: String { rawValue }
}

extension Configuration {
    /// Whether this configuration whitens: ``whitening`` with `auto` resolved against the
    /// model's width (regression models never whiten: their score is one residual).
    public var effectiveWhitening: Whitening {
        guard model == .location else { return .off }
        switch whitening {
        case .automatic: return Whitening.automaticDimensions.contains(modelDimension) ? .on : .off
        case .on, .off: return whitening
        }
    }

    /// The per-key layout of the residual whitening (nil when there is none).
    public var whiteningLayout: ResidualWhitening? {
        effectiveWhitening == .on ? ResidualWhitening(dimension: modelDimension) : nil
    }

    /// `Float`s per key of the reference block: the seasonal reference's, the whitening's, the
    /// alert habit's, then the sustained deviation's.
    public var referenceBlockWidth: Int {
        sustainedDeviationStartInBlock + (sustainedDeviationLayout?.storageCount ?? 0)
    }

    /// Where the whitening's values start in a key's reference block: after the seasonal ones.
    public var whiteningStartInBlock: Int { seasonalLayout?.storageCount ?? 0 }

    /// Where a key's whitening block starts in its ``KeySnapshot/values``.
    public var whiteningBlockOffset: Int { seasonalBlockOffset + whiteningStartInBlock }
}
