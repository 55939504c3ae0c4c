import ArgumentParser
import ClipStreamCore
import ClipStreamEngine
import ClipStreamKernels
import Foundation

/// `clipstream bench`: throughput of the engine's batch path on a pre-generated input buffer,
/// set against the machine's memory bandwidth measured in the same run.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine's rows/s against the machine's memory bandwidth.",
        discussion: """
            The input is a pre-generated buffer (about --buffer-mb MB) of rows, cycled in \
            round-robin ticks over --keys keys (or in random key order); the same batch path as \
            `score` runs (theta, scale, clip level, threshold, calibration, warm-up, alerts), \
            reading the buffer in place (--copy-rows copies each row into the batch first). \
            For each worker count, a fresh engine is warmed up, then --windows measurement \
            windows alternate with a STREAM-like triad probe on the same number of workers; \
            medians are reported. Without --threads, the worker counts 1, 2, 4, ... up to the \
            core count are measured, the core count last.
            """)

    @Option(help: "Features per row.")
    var dim: Int = 1024
    @Option(help: "Number of keys (estimators).")
    var keys: Int = 1000
    @Option(help: "Rows per measurement window (default: about half a second of work, whole ticks).")
    var rows: Int?
    @Option(help: "Worker counts to measure: one value, or a comma list (default: 1, 2, 4, ... cores).")
    var threads: String?
    @Option(help: "Rows run before measuring (default: 64 per key, at most 200,000 and at least 2 per key; 100 per key puts every key past its warm-up).")
    var warmRows: Int?
    @Option(help: "Measurement windows per configuration (the median is reported).")
    var windows: Int = 5
    @Option(help: "Size of the pre-generated input buffer in MB.")
    var bufferMb: Int = 256
    @Option(help: "Size of each of the bandwidth probe's three arrays in MB (well above the last-level cache).")
    var probeMb: Int = 128
    @Option(help: "Key order: round-robin or random.")
    var order: String = BenchKeyOrder.roundRobin.rawValue
    @Option(help: "Rows per engine batch (default: 4096 per worker, so each worker's share of a batch stays the same).")
    var batchSize: Int?
    @Option(help: "Kernel path: auto (the configured crossover), fused or blas.")
    var kernel: String = "auto"
    @Flag(help: "Copy each row into the engine's batch first, as `score` parses into it (default: the engine reads the buffer in place).")
    var copyRows = false
    @Flag(help: "One JSON object per line per configuration, the requested one last.")
    var json = false

    @Option(help: "Measure the CSV reader alone on this file (plain or .gz) instead of the engine.")
    var csv: String?

    @OptionGroup var model: ModelOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        // Bounded above too: past these a count overflows or asks for memory no machine has
        // (`--keys 2^63` trapped, `--buffer-mb 2^63` wrapped to a tiny buffer).
        let ranges: [(String, Int, ClosedRange<Int>)] = [
            ("--dim", dim, 1...16_777_216), ("--keys", keys, 1...100_000_000), ("--windows", windows, 1...1_000),
            ("--buffer-mb", bufferMb, 1...1 << 20), ("--probe-mb", probeMb, 1...1 << 16),
            ("--batch-size", batchSize ?? 1, 1...1 << 24),
        ]
        for (name, value, range) in ranges where !range.contains(value) {
            throw ValidationError("\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        if csv != nil && json { throw ValidationError("--csv measures the CSV reader and prints one line; --json is for the engine's measurement") }
        if let rows, rows < 1 { throw ValidationError("--rows must be positive") }
        if let warmRows, warmRows < 0 { throw ValidationError("--warm-rows must not be negative") }
        guard kernel == "auto" || KernelStrategy(rawValue: kernel) != nil else {
            throw ValidationError("--kernel must be auto, fused or blas")
        }
        guard BenchKeyOrder(rawValue: order) != nil else {
            throw ValidationError("--order must be round-robin or random")
        }
        _ = try workerCounts()
    }

    /// The worker counts to measure, ascending; `--shards N` alone means `--threads N`.
    func workerCounts() throws -> [Int] {
        if let threads {
            let counts = threads.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !counts.isEmpty, counts.allSatisfy({ $0 != nil && $0! >= 1 && $0! <= 4096 }) else {
                throw ValidationError("--threads must be a count or a comma list of counts in 1...4096")
            }
            return Array(Set(counts.map { $0! })).sorted()
        }
        if let shards = model.shards { return [shards] }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var counts = [1]
        while counts.last! * 2 < cores { counts.append(counts.last! * 2) }
        if cores > 1 { counts.append(cores) }
        return counts
    }

    func run() throws {
        try CommandErrors.exitOnFailure { try measureAll() }
    }

    private func measureAll() throws {
        if let csv {
            try ReaderBenchmark.run(path: csv)
            return
        }
        var configuration = try model.configuration(dimension: dim)
        if kernel != "auto" { configuration.blasMinimumDimension = kernel == "blas" ? 1 : Configuration.neverBLAS }
        let largestBatch = try batchSize ?? 4096 * (workerCounts().max() ?? 1)
        try Self.refuseStateBeyondMemory(
            configuration: configuration, keys: keys,
            otherBytes: Self.bufferBytes(dimension: dim, keys: keys, bufferMb: bufferMb, batchRows: largestBatch, probeMb: probeMb))
        let keyOrder = BenchKeyOrder(rawValue: order) ?? .roundRobin
        let input = BenchInput(dimension: dim, keys: keys, megabytes: bufferMb, order: keyOrder)
        let probe = BandwidthProbe(megabytes: probeMb)
        var results: [BenchMeasurement] = []
        for workers in try workerCounts() {
            var measurement = try measure(
                workers: workers, configuration: configuration, input: input, probe: probe)
            measurement.order = keyOrder.rawValue
            measurement.copiedRows = copyRows
            if let single = results.first(where: { $0.threads == 1 }) {
                measurement.speedup = measurement.rowsPerSecond / single.rowsPerSecond
            } else if workers == 1 {
                measurement.speedup = 1
            }
            if json {
                try CommandErrors.writeStandardOutput(measurement.jsonLine + "\n")
            }
            results.append(measurement)
        }
        if !json { try CommandErrors.writeStandardOutput(BenchMeasurement.table(results) + "\n") }
    }

    /// Refuses a key count whose model state alone would not fit in the machine's memory (the
    /// run was killed by the kernel after filling it, `--dim 16 --keys 100000000`: 24 GB).
    static func refuseStateBeyondMemory(configuration: Configuration, keys: Int, otherBytes: Double = 0) throws {
        let d = configuration.modelDimension
        let perKey = EstimatorBank(
            dimension: d, lagWidth: d - configuration.dimension, blockWidth: configuration.referenceBlockWidth
        ).bytesPerKey
        let physical = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        let state = Double(perKey) * Double(keys)
        if physical > 0 && state + otherBytes > Double(physical) {
            throw ValidationError(String(
                format: "%d keys of %d bytes need %.1f GB of model state, and the input, batches and probe %.1f GB; this machine has %.1f GB",
                keys, perKey, state / 1e9, otherBytes / 1e9, Double(physical) / 1e9))
        }
    }

    /// What the run allocates beside the model state: the input buffer (at least one row a key,
    /// with its key index), the largest batch (its rows, results and attributions, about 3x its
    /// values) and the probe's three arrays. (`--dim 16777216` for one key, or a batch of
    /// 16,777,216 rows at d = 1,024, passed the state's check and aborted on the allocation.)
    static func bufferBytes(dimension: Int, keys: Int, bufferMb: Int, batchRows: Int, probeMb: Int) -> Double {
        let rowBytes = Double(dimension) * 4
        let inputRows = max(Double(keys), Double(bufferMb) * 1_048_576 / (rowBytes + 4))
        return inputRows * (rowBytes + 4) + Double(batchRows) * rowBytes * 3 + 3 * Double(probeMb) * 1_048_576
    }

    /// The process's peak resident memory so far (`getrusage`'s `ru_maxrss`, KiB on Linux).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return usage.ru_maxrss * 1024
    }

    /// One worker count: a fresh engine, warmed up, then windows alternating with the probe.
    private func measure(
        workers: Int, configuration: Configuration, input: BenchInput, probe: BandwidthProbe
    ) throws -> BenchMeasurement {
        let batchSize = self.batchSize ?? 4096 * workers
        let engine = try ShardedEngine(
            configuration: configuration, shardCount: workers, batchCapacity: batchSize,
            logger: logging.logger)
        let handles = (0..<keys).map { engine.handle(for: "key-\($0)") }
        var batch = RowBatch(dimension: dim, capacity: batchSize)
        var cursor = 0
        // Warm-up: every key past its start-up rows, and long enough to time a window by.
        let warmRows = max(1, self.warmRows ?? max(2 * keys, min(keys * 64, 200_000)))
        let warmStart = DispatchTime.now().uptimeNanoseconds
        input.run(warmRows, from: &cursor, engine: engine, handles: handles, batch: &batch, copying: copyRows)
        let warmSeconds = Double(DispatchTime.now().uptimeNanoseconds - warmStart) / 1e9
        let windowRows = rows ?? max(keys, Int(Double(warmRows) / max(warmSeconds, 1e-6) * 0.5) / keys * keys)

        var rates: [Double] = []
        var bandwidths: [Double] = []
        for _ in 0..<windows {
            bandwidths.append(probe.measure(workers: workers))
            let start = DispatchTime.now().uptimeNanoseconds
            input.run(windowRows, from: &cursor, engine: engine, handles: handles, batch: &batch, copying: copyRows)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(windowRows) / seconds)
        }
        rates.sort()
        bandwidths.sort()
        let rate = rates[rates.count / 2]
        let bandwidth = bandwidths[bandwidths.count / 2]
        let bytesPerRow = BenchMeasurement.bytesPerRow(
            dimension: configuration.modelDimension, scalarBytes: MemoryLayout<KeyState>.stride)
        let effective = rate * Double(bytesPerRow) / 1e9
        let environment = ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE"]
            .reduce(into: [String: String]()) { $0[$1] = ProcessInfo.processInfo.environment[$1] }
        return BenchMeasurement(
            dimension: dim, keys: keys, threads: workers, rowsPerSecond: rate,
            elementsPerSecond: rate * Double(dim), bytesPerRow: bytesPerRow,
            effectiveGbps: effective, probeGbps: bandwidth, bandwidthFraction: effective / bandwidth,
            speedup: nil, rowsPerSecondMin: rates.first!, rowsPerSecondMax: rates.last!,
            windows: windows, rowsPerWindow: windowRows, bytesPerKey: engine.bytesPerKey,
            stateBytes: engine.bytesPerKey * keys, order: order,
            kernel: configuration.kernelStrategy.rawValue, calibratedScores: configuration.calibratesScores,
            batchSize: batchSize, cores: ProcessInfo.processInfo.activeProcessorCount,
            openblasConfig: BLAS.configurationDescription, openblasThreads: BLAS.threadCount,
            environment: environment, peakResidentBytes: Self.peakResidentBytes())
    }
}
