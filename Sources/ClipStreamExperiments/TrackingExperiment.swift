/// The result of one estimator on one stream.
public struct TrackingResult: Sendable, Codable, Equatable {
    public var estimator: String
    /// `||theta_t - theta*_t|| / sqrt(d)`, averaged over the last half of the stream.
    public var error: Double
    /// Samples after each abrupt shift until the error first falls to `recoveryLevel`
    /// (the next shift's distance when it never does), averaged over the shifts; nil without
    /// shifts.
    public var recovery: Double?
    /// Shifts after which the error never reached `recoveryLevel` before the next one.
    public var unrecovered: Int
}

/// Runs location trackers over tracking streams (ALGORITHM.md section 8's synthetic study).
public enum TrackingExperiment {
    /// Error per coordinate (noise has unit variance) that counts as recovered after a shift
    /// of 10 per coordinate: an exponential average at rate 0.01 needs about 370 samples.
    public static let recoveryLevel = 0.25

    /// Feeds `stream` to each tracker and measures it.
    public static func run(_ stream: TrackingStream, trackers: inout [any LocationTracker]) -> [TrackingResult] {
        let c = stream.trackingCase
        let d = c.dimension
        let half = c.rows / 2
        let shifts = c.shiftRows
        var errorSums = [Double](repeating: 0, count: trackers.count)
        // Per tracker: the current shift being recovered from and when it started.
        var recoveries = [[Int]](repeating: [], count: trackers.count)
        var pending = [Int?](repeating: nil, count: trackers.count)
        var nextShift = 0
        stream.samples.withUnsafeBufferPointer { samples in
            let base = samples.baseAddress!
            stream.forEachLocation { t, truth in
                if nextShift < shifts.count && shifts[nextShift] == t {
                    for i in trackers.indices {
                        if let started = pending[i] { recoveries[i].append(-(t - started)) }
                        pending[i] = t
                    }
                    nextShift += 1
                }
                for i in trackers.indices {
                    trackers[i].observe(base + t * d)
                    let error = (trackers[i].squaredError(to: truth) / Double(d)).squareRoot()
                    if t >= half { errorSums[i] += error }
                    if let started = pending[i], error <= recoveryLevel {
                        recoveries[i].append(t + 1 - started)
                        pending[i] = nil
                    }
                }
            }
        }
        return trackers.indices.map { i in
            var list = recoveries[i]
            if let started = pending[i] { list.append(-(c.rows - started)) }
            let recovery = list.isEmpty ? nil : Double(list.map(abs).reduce(0, +)) / Double(list.count)
            return TrackingResult(
                estimator: trackers[i].name, error: errorSums[i] / Double(c.rows - half),
                recovery: recovery, unrecovered: list.filter { $0 < 0 }.count)
        }
    }
}
