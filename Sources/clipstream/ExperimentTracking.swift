import ArgumentParser
import ClipStreamCore
import ClipStreamExperiments
import Foundation

/// `clipstream experiment tracking`: ALGORITHM.md section 8's synthetic study.
struct ExperimentTracking: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracking",
        abstract: "Tracking error of ClipStream's estimator against unclipped SGD, the running mean, a constant rate and a coordinate-wise median.",
        discussion: """
            Streams of unit-covariance Student-t (df 2.5) noise around a location that stays, \
            jumps by 10 sqrt(d) every 20,000 samples, or moves 10 sqrt(d) along a line; 10% of \
            samples corrupted, "huge" (replaced by 1e3-1e6 x sqrt(d) in a random direction) or \
            "one-way" (5 sqrt(d) added along one fixed direction). Error: ||theta - theta*|| / \
            sqrt(d), averaged over the last half of the stream and over the seeds. Recovery: \
            samples after a jump until the error is back within 0.25 of its level before the jump. Nothing is written to disk.
            """)

    @Option(help: "Dimensions to run, comma-separated (e.g. 10,100,1000).")
    var dims: String = "100"
    @Option(help: "Samples per stream.")
    var rows: Int = 100_000
    @Option(help: "Seeds per case (results are means over them).")
    var seeds: Int = 3
    @Flag(help: "Run the whole grid: Gaussian and Student-t noise, corruption none / huge / one-way at 1, 10, 30%, drift none / abrupt / linear.")
    var full = false
    @Flag(help: "Also sweep ClipStream's alpha x c_lambda x horizon grid over the six cases at the first dimension.")
    var sweep = false
    @Flag(help: "One JSON object instead of tables.")
    var json = false

    func validate() throws {
        guard (1_000...100_000_000).contains(rows) else { throw ValidationError("--rows must be in 1000...100000000") }
        guard (1...20).contains(seeds) else { throw ValidationError("--seeds must be in 1...20") }
        // Each stream is held whole, rows x d floats (10^5 x 10^8 asked for 40 TB and aborted).
        guard let widest = try dimensions().max(), rows * widest <= 1 << 30 else {
            throw ValidationError("--rows times the largest of --dims must be at most 1073741824 (4 GB of samples a stream)")
        }
        // A job per core holds its stream and five estimators' errors (rows x (4 d + 40) bytes);
        // the sweep holds six cases per seed at the first dimension at once.
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        let jobs = Double(rows) * (4 * Double(widest) + 40) * cores
        let sweepBytes = sweep ? 6 * Double(seeds) * Double(rows) * 4 * Double(try dimensions()[0]) : 0
        let physical = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        if physical > 0 && max(jobs, sweepBytes) > physical {
            throw ValidationError(String(
                format: "--rows %d at --dims up to %d needs %.1f GB on %d cores; this machine has %.1f GB",
                rows, widest, max(jobs, sweepBytes) / 1e9, Int(cores), physical / 1e9))
        }
    }

    func dimensions() throws -> [Int] {
        let values = dims.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 100_000 }) else {
            throw ValidationError("--dims must be a comma list of dimensions in 1...100000")
        }
        return values.map { $0! }
    }

    func run() throws {
        try CommandErrors.exitOnFailure { try runExperiment() }
    }

    private func runExperiment() throws {
        let study = TrackingStudy(seeds: (1...seeds).map(UInt64.init))
        var report = TrackingReport(rows: rows, seeds: seeds)
        for d in try dimensions() {
            let six = TrackingStudy.sixCases(dimension: d, rows: rows)
            let extra = TrackingStudy.extraCases(dimension: d, rows: rows)
            let cases = full ? TrackingStudy.fullGrid(dimension: d, rows: rows) : six + extra
            let results = try study.run(cases)
            let byName = Dictionary(zip(cases.map(\.name), results), uniquingKeysWith: { a, _ in a })
            let table = TrackingReport.Table(
                dimension: d,
                cases: zip(cases, results).map { TrackingReport.Row(trackingCase: $0, results: $1) },
                summary: TrackingReport.summary(
                    six: six.map { byName[$0.name]?.first?.error ?? .nan },
                    clean: extra[0].name, oneWay30: extra[1].name, byName: byName,
                    fullGrid: full, study: study, extra: extra))
            report.tables.append(table)
            if !json { try CommandErrors.writeStandardOutput(table.text(rows: rows, seeds: seeds) + "\n") }
        }
        if sweep, let d = try dimensions().first {
            report.sweep = try Self.sweep(dimension: d, rows: rows, seeds: (1...seeds).map(UInt64.init))
            if !json { try CommandErrors.writeStandardOutput(TrackingReport.sweepText(report.sweep!, dimension: d) + "\n") }
        }
        if json { try CommandErrors.writeStandardOutput(report.jsonText + "\n") }
    }

    /// ClipStream's estimator over alpha x c_lambda x H on the six cases plus the two extra.
    static func sweep(dimension d: Int, rows: Int, seeds: [UInt64]) throws -> [TrackingReport.SweepPoint] {
        let cases = TrackingStudy.sixCases(dimension: d, rows: rows) + TrackingStudy.extraCases(dimension: d, rows: rows)
        let streams = TrackingStudy(seeds: seeds).streams(cases)
        var points: [TrackingReport.SweepPoint] = []
        for alpha in [0.5, 2.0 / 3.0, 1.0] {
            for clip in [1.0, 2.0, 4.0] {
                for horizon in [1024, 4096, 16384] {
                    let errors = try TrackingStudy(seeds: seeds).clipStreamErrors(on: streams) { d in
                        var c = Configuration(dimension: d)
                        c.alpha = alpha
                        c.clipMultiplier = clip
                        c.horizon = horizon
                        return c
                    }
                    let six = Array(errors[0..<6])
                    points.append(TrackingReport.SweepPoint(
                        alpha: alpha, clipMultiplier: clip, horizon: horizon,
                        geometricMean: TrackingStudy.geometricMean(six), worst: six.max()!,
                        clean: errors[6], oneWay30: errors[7]))
                }
            }
        }
        return points
    }
}
