import ClipStreamCore

/// An online location estimator under test: sees one sample at a time, exposes its estimate.
public protocol LocationTracker {
    /// A short name for tables.
    var name: String { get }
    /// Learns one sample of `dimension` values.
    mutating func observe(_ x: UnsafePointer<Float>)
    /// Squared distance between the current estimate and `truth`.
    func squaredError(to truth: [Double]) -> Double
}

/// ClipStream's own estimator: one key of the engine's ``LocationDetector`` with a given
/// configuration (standardized residual, clipped step, adaptive clip level, learning-rate
/// schedule, re-anchoring): what `clipstream score` runs.
public struct ClipStreamTracker: LocationTracker {
    public let name: String
    private var detector: LocationDetector
    private var row: [Float]

    public init(name: String = "clipstream", configuration: Configuration) throws {
        try configuration.validate()
        self.name = name
        detector = LocationDetector(configuration: configuration)
        _ = detector.addKey()
        row = [Float](repeating: 0, count: configuration.dimension)
    }

    public mutating func observe(_ x: UnsafePointer<Float>) {
        for j in row.indices { row[j] = x[j] }
        _ = detector.process(row: row, slot: 0)
    }

    public func squaredError(to truth: [Double]) -> Double {
        detector.bank.withLocation(slot: 0) { theta in
            var sum = 0.0
            for j in theta.indices {
                let e = Double(theta[j]) - truth[j]
                sum += e * e
            }
            return sum
        }
    }
}

/// Plain SGD on the squared loss, `theta += eta_t (x - theta)`: the running mean when
/// `eta_t = 1/t`, an exponential average at a constant rate, or ClipStream's schedule without
/// the clip (the "unclipped" reference). The first sample starts the estimate.
public struct StepTracker: LocationTracker {
    public let name: String
    private var theta: [Double]
    private var count = 0
    private let rate: (Int) -> Double

    /// - Parameter rate: the step for the `n`-th sample (1-based; the first is ignored).
    public init(name: String, dimension: Int, rate: @escaping (Int) -> Double) {
        self.name = name
        theta = [Double](repeating: 0, count: dimension)
        self.rate = rate
    }

    public mutating func observe(_ x: UnsafePointer<Float>) {
        count += 1
        let eta = count == 1 ? 1 : rate(count)
        for j in theta.indices { theta[j] += eta * (Double(x[j]) - theta[j]) }
    }

    public func squaredError(to truth: [Double]) -> Double {
        squaredDistance(theta, truth)
    }
}

/// An online coordinate-wise median: sign steps `theta_j += gamma_t s_j sign(x_j - theta_j)`,
/// `s_j` an exponential average of `|x_j - theta_j|` (the step's unit), `gamma_t =
/// max(1/sqrt t, floor)`. Robust to any corruption of under half the samples per coordinate,
/// blind to their direction.
public struct MedianTracker: LocationTracker {
    public let name: String
    private var theta: [Double]
    private var spread: [Double]
    private var count = 0
    private let floor: Double

    public init(name: String = "median", dimension: Int, floor: Double = 0.01) {
        self.name = name
        theta = [Double](repeating: 0, count: dimension)
        spread = [Double](repeating: 1, count: dimension)
        self.floor = floor
    }

    public mutating func observe(_ x: UnsafePointer<Float>) {
        count += 1
        if count == 1 {
            for j in theta.indices { theta[j] = Double(x[j]) }
            return
        }
        let gamma = max(1 / Double(count).squareRoot(), floor)
        let spreadRate = max(1 / Double(count), 0.01)
        for j in theta.indices {
            let r = Double(x[j]) - theta[j]
            // The spread learns from bounded residuals, so a corrupted sample moves it little.
            spread[j] += spreadRate * (min(abs(r), 3 * spread[j]) - spread[j])
            theta[j] += gamma * spread[j] * (r > 0 ? 1 : (r < 0 ? -1 : 0))
        }
    }

    public func squaredError(to truth: [Double]) -> Double {
        squaredDistance(theta, truth)
    }
}

/// `||a - b||^2` of two vectors of one length.
func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for j in a.indices {
        let e = a[j] - b[j]
        sum += e * e
    }
    return sum
}
