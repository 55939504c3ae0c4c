import ClipStreamCore
import Dispatch
import RealModule

/// The tracking study: every case run on several seeds with ClipStream's estimator and the
/// references, in parallel (each run is independent and seeded, so results do not depend on
/// the thread count).
public struct TrackingStudy: Sendable {
    /// Estimator names, in table order.
    public static let estimatorNames = ["clipstream", "unclipped", "running mean", "constant 0.01", "median"]

    public var seeds: [UInt64]
    /// ClipStream's configuration for a dimension (defaults, or a swept point).
    public var configure: @Sendable (Int) -> Configuration

    public init(seeds: [UInt64] = [1, 2, 3], configure: @escaping @Sendable (Int) -> Configuration = { Configuration(dimension: $0) }) {
        self.seeds = seeds
        self.configure = configure
    }

    /// The six drift x corruption cases of ALGORITHM.md section 8 (Student-t df 2.5, 10%
    /// corruption), at dimension `d`.
    public static func sixCases(dimension d: Int, rows: Int = 100_000) -> [TrackingCase] {
        DriftKind.allCases.flatMap { drift in
            [CorruptionKind.huge, .oneWay].map {
                TrackingCase(dimension: d, rows: rows, drift: drift, corruption: $0)
            }
        }
    }

    /// Clean stationary data and the 30% one-way case (the targets' other two cases).
    public static func extraCases(dimension d: Int, rows: Int = 100_000) -> [TrackingCase] {
        [TrackingCase(dimension: d, rows: rows, drift: .none, corruption: .none),
         TrackingCase(dimension: d, rows: rows, drift: .none, corruption: .oneWay, corruptedFraction: 0.3)]
    }

    /// The whole grid at `d`: Gaussian and Student-t noise, no / huge / one-way corruption at
    /// 1, 10 and 30%, no / abrupt / linear drift.
    public static func fullGrid(dimension d: Int, rows: Int = 100_000) -> [TrackingCase] {
        var cases: [TrackingCase] = []
        for df in [Double.infinity, 2.5] {
            for drift in DriftKind.allCases {
                cases.append(TrackingCase(dimension: d, rows: rows, degreesOfFreedom: df, drift: drift, corruption: .none))
                for corruption in [CorruptionKind.huge, .oneWay] {
                    for fraction in [0.01, 0.1, 0.3] {
                        cases.append(TrackingCase(
                            dimension: d, rows: rows, degreesOfFreedom: df, drift: drift,
                            corruption: corruption, corruptedFraction: fraction))
                    }
                }
            }
        }
        return cases
    }

    /// The trackers for one run: ClipStream's estimator and the references.
    public func trackers(dimension d: Int) throws -> [any LocationTracker] {
        let configuration = configure(d)
        let schedule = LearningRateSchedule(configuration)
        return [
            try ClipStreamTracker(configuration: configuration),
            StepTracker(name: "unclipped", dimension: d) { schedule.rate(forRow: $0) },
            StepTracker(name: "running mean", dimension: d) { 1 / Double($0) },
            StepTracker(name: "constant 0.01", dimension: d) { _ in 0.01 },
            MedianTracker(dimension: d),
        ]
    }

    /// One case's results per estimator, averaged over the seeds (errors and recoveries are
    /// means; `unrecovered` a total).
    public func run(_ cases: [TrackingCase], clipStreamOnly: Bool = false) throws -> [[TrackingResult]] {
        let jobs = cases.flatMap { c in seeds.map { seed in (c, seed) } }
        let box = ConcurrentResults<[TrackingResult]>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            var (c, seed) = jobs[index]
            c.seed = seed
            do {
                var trackers = try trackers(dimension: c.dimension)
                if clipStreamOnly { trackers = [trackers[0]] }
                box.set(index, .success(TrackingExperiment.run(TrackingStream(c), trackers: &trackers)))
            } catch {
                box.set(index, .failure(error))
            }
        }
        let results = try box.values()
        return cases.indices.map { i in
            let runs = results[(i * seeds.count)..<((i + 1) * seeds.count)]
            return runs.first!.indices.map { e in
                let column = runs.map { $0[e] }
                let recoveries = column.compactMap(\.recovery)
                return TrackingResult(
                    estimator: column[0].estimator,
                    error: column.map(\.error).reduce(0, +) / Double(column.count),
                    recovery: recoveries.isEmpty ? nil : recoveries.reduce(0, +) / Double(recoveries.count),
                    unrecovered: column.map(\.unrecovered).reduce(0, +))
            }
        }
    }

    /// Generates every case on every seed once (in parallel), in `cases`-major order.
    public func streams(_ cases: [TrackingCase]) -> [TrackingStream] {
        let jobs = cases.flatMap { c in seeds.map { seed in (c, seed) } }
        let box = ConcurrentResults<TrackingStream>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            var (c, seed) = jobs[index]
            c.seed = seed
            box.set(index, .success(TrackingStream(c)))
        }
        // Generating a stream cannot fail.
        return (try? box.values()) ?? []
    }

    /// ClipStream's error on each of `streams` (from ``streams(_:)``) under `configuration`,
    /// averaged over the seeds of each case: one value per case. A sweep reuses the streams.
    public func clipStreamErrors(
        on streams: [TrackingStream], configuration: @escaping @Sendable (Int) -> Configuration
    ) throws -> [Double] {
        let box = ConcurrentResults<[TrackingResult]>(count: streams.count)
        DispatchQueue.concurrentPerform(iterations: streams.count) { index in
            let stream = streams[index]
            do {
                var trackers: [any LocationTracker] = [
                    try ClipStreamTracker(configuration: configuration(stream.trackingCase.dimension))
                ]
                box.set(index, .success(TrackingExperiment.run(stream, trackers: &trackers)))
            } catch {
                box.set(index, .failure(error))
            }
        }
        let errors = try box.values().map { $0[0].error }
        return stride(from: 0, to: errors.count, by: seeds.count).map { start in
            errors[start..<(start + seeds.count)].reduce(0, +) / Double(seeds.count)
        }
    }

    /// Geometric mean of positive values.
    public static func geometricMean(_ values: [Double]) -> Double {
        Double.exp(values.map { Double.log(max($0, 1e-300)) }.reduce(0, +) / Double(values.count))
    }
}
