/// The result of one estimator on one stream.
public struct TrackingResult: Sendable, Codable, Equatable {
    public var estimator: String
    /// `||theta_t - theta*_t|| / sqrt(d)`, averaged over the last half of the stream.
    public var error: Double
    /// Samples after each abrupt shift until the error is back within ``TrackingExperiment/recoveryMargin``
    /// of its mean over the 1,000 samples before the shift (the distance to the next shift, or
    /// to the end, when it never is), averaged over the shifts; nil without shifts.
    public var recovery: Double?
    /// Shifts after which the error never came back before the next one.
    public var unrecovered: Int
}

/// Runs location trackers over tracking streams (ALGORITHM.md section 8's synthetic study).
public enum TrackingExperiment {
    /// How close, per coordinate (the noise has unit variance), the error must come back to
    /// its level before a shift of 10 per coordinate: an exponential average at rate 0.01
    /// needs about 370 samples.
    public static let recoveryMargin = 0.25

    /// Feeds `stream` to each tracker and measures it.
    public static func run(_ stream: TrackingStream, trackers: inout [any LocationTracker]) -> [TrackingResult] {
        let c = stream.trackingCase
        let d = c.dimension
        var errors = [[Double]](repeating: [Double](repeating: 0, count: c.rows), count: trackers.count)
        stream.samples.withUnsafeBufferPointer { samples in
            let base = samples.baseAddress!
            stream.forEachLocation { t, truth in
                for i in trackers.indices {
                    trackers[i].observe(base + t * d)
                    errors[i][t] = (trackers[i].squaredError(to: truth) / Double(d)).squareRoot()
                }
            }
        }
        let half = c.rows / 2
        return trackers.indices.map { i in
            let e = errors[i]
            let recoveries = recoveryTimes(e, shifts: c.shiftRows)
            return TrackingResult(
                estimator: trackers[i].name,
                error: e[half...].reduce(0, +) / Double(c.rows - half),
                recovery: recoveries.isEmpty
                    ? nil : Double(recoveries.map(\.samples).reduce(0, +)) / Double(recoveries.count),
                unrecovered: recoveries.filter { !$0.recovered }.count)
        }
    }

    /// For each shift, the samples until the error is back within the margin of its level
    /// before the shift, and whether it got there before the next shift (or the end).
    static func recoveryTimes(_ errors: [Double], shifts: [Int]) -> [(samples: Int, recovered: Bool)] {
        shifts.enumerated().map { k, shift in
            let window = errors[max(0, shift - 1_000)..<shift]
            let level = window.reduce(0, +) / Double(max(1, window.count)) + recoveryMargin
            let end = k + 1 < shifts.count ? shifts[k + 1] : errors.count
            if let t = (shift..<end).first(where: { errors[$0] <= level }) {
                return (t + 1 - shift, true)
            }
            return (end - shift, false)
        }
    }
}
