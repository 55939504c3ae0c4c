import Testing
import ClipStreamCore
import ClipStreamSynthetic

/// Every model the engine hosts, with a stream that suits it: the conformance suite runs
/// over all of them.
enum ModelUnderTest: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case location, linear, logistic

    var testDescription: String { rawValue }

    /// Features per row (the regression streams' last column is the target).
    static let dimension = 9

    /// The default configuration with this model (the target is the last column).
    var configuration: Configuration {
        var c = Configuration(dimension: Self.dimension)
        switch self {
        case .location: break
        case .linear: c.model = .linear(target: Self.dimension - 1)
        case .logistic: c.model = .logistic(target: Self.dimension - 1)
        }
        return c
    }

    /// A labelled multi-key stream with drift and anomalies for this model: the demo's hard
    /// case for the location model; for the regressions, corrupted targets (flipped confident
    /// labels) under coefficients that change every 3,000 rows of a key.
    func stream(rows: Int, keys: Int, seed: UInt64) throws -> RecordedStream {
        switch self {
        case .location:
            return try RecordedStream.hardCase(rows: rows, keys: keys, dimension: Self.dimension, seed: seed)
        case .linear, .logistic:
            return RecordedStream.regression(
                rows: rows, keys: keys, features: Self.dimension - 1, logistic: self == .logistic,
                seed: seed)
        }
    }
}

extension RecordedStream {
    /// `keys` independent ``RegressionStream``s (3% corrupted targets, coefficients redrawn
    /// every 3,000 rows of a key), interleaved round-robin.
    static func regression(
        rows: Int, keys: Int, features: Int, logistic: Bool, seed: UInt64
    ) -> RecordedStream {
        var streams = (0..<keys).map { k in
            var s = RegressionStream.Settings()
            s.features = features
            s.logistic = logistic
            s.corruptionFraction = 0.03
            s.changeEvery = 3_000
            s.noiseDegreesOfFreedom = 2.5
            s.seed = seed &* 1_000 &+ UInt64(k)
            return RegressionStream(s)
        }
        var recorded = RecordedStream(dimension: features + 1)
        for i in 0..<rows {
            let k = i % keys
            let row = streams[k].next()
            recorded.keys.append("key-\(k)")
            recorded.values += row.values
            recorded.labels.append(row.corrupted)
        }
        return recorded
    }
}
