import ClipStreamSynthetic
import RealModule

/// How the true location moves (ALGORITHM.md section 8).
public enum DriftKind: String, CaseIterable, Sendable, Codable {
    /// The location stays at its start.
    case none
    /// A jump of norm `10 sqrt(d)` in a random direction every `shiftInterval` samples.
    case abrupt
    /// A straight line of total length `10 sqrt(d)` over the stream.
    case linear
}

/// Which samples are corrupted and how.
public enum CorruptionKind: String, CaseIterable, Sendable, Codable {
    /// No corruption.
    case none
    /// The sample is replaced by `theta* + M sqrt(d) u`, `u` uniform on the sphere,
    /// `log10 M` uniform in [3, 6].
    case huge
    /// `5 sqrt(d) v` is added to the sample, `v` one fixed unit vector for the whole stream.
    case oneWay = "one-way"
}

/// One synthetic tracking stream: noise around a moving location, with corruptions.
public struct TrackingCase: Sendable, Codable, Equatable {
    public var dimension: Int
    public var rows: Int
    /// Degrees of freedom of the Student-t noise (unit covariance); `.infinity` for Gaussian.
    public var degreesOfFreedom: Double
    public var drift: DriftKind
    public var corruption: CorruptionKind
    /// Share of corrupted samples (none among the first 100).
    public var corruptedFraction: Double
    public var seed: UInt64
    /// Samples between abrupt shifts.
    public var shiftInterval = 20_000

    public init(
        dimension: Int, rows: Int = 100_000, degreesOfFreedom: Double = 2.5, drift: DriftKind,
        corruption: CorruptionKind, corruptedFraction: Double = 0.1, seed: UInt64 = 1
    ) {
        self.dimension = dimension
        self.rows = rows
        self.degreesOfFreedom = degreesOfFreedom
        self.drift = drift
        self.corruption = corruption
        self.corruptedFraction = corruption == .none ? 0 : corruptedFraction
        self.seed = seed
    }

    /// A short name: `abrupt/huge 10%`, `none/none`.
    public var name: String {
        let base = "\(drift.rawValue)/\(corruption.rawValue)"
        return corruption == .none ? base : base + " \(Int((corruptedFraction * 100).rounded()))%"
    }

    /// The rows at which the location jumps (abrupt drift only).
    public var shiftRows: [Int] {
        drift == .abrupt ? Array(stride(from: shiftInterval, to: rows, by: shiftInterval)) : []
    }
}

/// A generated stream: the samples (row-major `Float`) and the true location's path.
public struct TrackingStream: Sendable {
    public let trackingCase: TrackingCase
    /// `rows * dimension` samples.
    public let samples: [Float]
    /// The location at the start, and one jump per entry of `shiftRows` (abrupt) or the unit
    /// direction of the line (linear).
    let start: [Double]
    let jumps: [[Double]]
    let direction: [Double]

    /// Generates the stream of `trackingCase` (deterministic in its seed).
    public init(_ trackingCase: TrackingCase) {
        self.trackingCase = trackingCase
        let d = trackingCase.dimension
        let n = trackingCase.rows
        let root = Double(d).squareRoot()
        var g = SeededGenerator(seed: trackingCase.seed)
        // theta*_0 ~ N(0, 25 I).
        start = (0..<d).map { _ in 5 * Distributions.standardNormal(using: &g) }
        jumps = trackingCase.shiftRows.map { _ in
            Distributions.unitVector(dimension: d, using: &g).map { 10 * root * $0 }
        }
        direction = Distributions.unitVector(dimension: d, using: &g)
        let oneWay = Distributions.unitVector(dimension: d, using: &g)
        var samples = [Float](repeating: 0, count: n * d)
        var location = start
        var nextShift = 0
        let shifts = trackingCase.shiftRows
        for t in 0..<n {
            Self.advance(&location, to: t, trackingCase, start: start, jumps: jumps, direction: direction,
                         shifts: shifts, nextShift: &nextShift)
            let corrupted = t >= 100 && Distributions.uniform(using: &g) < trackingCase.corruptedFraction
            let base = t * d
            if corrupted && trackingCase.corruption == .huge {
                let magnitude = Double.exp10(3 + 3 * Distributions.uniform(using: &g)) * root
                let u = Distributions.unitVector(dimension: d, using: &g)
                for j in 0..<d { samples[base + j] = Float(location[j] + magnitude * u[j]) }
                continue
            }
            let push = corrupted ? 5 * root : 0
            for j in 0..<d {
                let noise = Distributions.studentT(degreesOfFreedom: trackingCase.degreesOfFreedom, using: &g)
                samples[base + j] = Float(location[j] + noise + push * oneWay[j])
            }
        }
        self.samples = samples
    }

    /// Writes the true location at row `t` into `location` (rows visited in increasing order).
    static func advance(
        _ location: inout [Double], to t: Int, _ c: TrackingCase, start: [Double], jumps: [[Double]],
        direction: [Double], shifts: [Int], nextShift: inout Int
    ) {
        switch c.drift {
        case .none:
            break
        case .abrupt:
            while nextShift < shifts.count && shifts[nextShift] <= t {
                for j in location.indices { location[j] += jumps[nextShift][j] }
                nextShift += 1
            }
        case .linear:
            let length = 10 * Double(c.dimension).squareRoot() * Double(t) / Double(c.rows)
            for j in location.indices { location[j] = start[j] + length * direction[j] }
        }
    }

    /// Calls `body(t, location)` for every row in order with the true location at that row.
    public func forEachLocation(_ body: (Int, [Double]) -> Void) {
        var location = start
        var nextShift = 0
        let shifts = trackingCase.shiftRows
        for t in 0..<trackingCase.rows {
            Self.advance(&location, to: t, trackingCase, start: start, jumps: jumps, direction: direction,
                         shifts: shifts, nextShift: &nextShift)
            body(t, location)
        }
    }
}
