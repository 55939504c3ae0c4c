import ArgumentParser
import ClipStreamCore
import ClipStreamEngine
import ClipStreamKernels
import Foundation

/// `clipstream bench`: throughput of the engine's batch path on a pre-generated input buffer.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine's rows/s on a fixed in-memory input cycled over many keys.",
        discussion: """
            The input is a pre-generated buffer (about --buffer-mb MB) of Gaussian rows, fed in \
            round-robin ticks over --keys keys; the same batch path as `score` runs (theta, \
            scale, clip level, threshold, warm-up, alerts). Reports the median of --windows \
            measurement windows.
            """)

    @Option(help: "Features per row.")
    var dim: Int = 1024
    @Option(help: "Number of keys (estimators).")
    var keys: Int = 1000
    @Option(help: "Rows per measurement window.")
    var rows: Int = 200_000
    @Option(help: "Measurement windows (the median is reported).")
    var windows: Int = 5
    @Option(help: "Size of the pre-generated input buffer in MB.")
    var bufferMb: Int = 256
    @Option(help: "Rows per engine batch.")
    var batchSize: Int = 4096
    @Option(help: "Kernel path: auto (the configured crossover), fused or blas.")
    var kernel: String = "auto"

    @Option(help: "Measure the CSV reader alone on this file (plain or .gz) instead of the engine.")
    var csv: String?

    @OptionGroup var model: ModelOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard dim >= 1, keys >= 1, rows >= 1, windows >= 1, bufferMb >= 1, batchSize >= 1 else {
            throw ValidationError("--dim, --keys, --rows, --windows, --buffer-mb, --batch-size must be positive")
        }
        guard kernel == "auto" || KernelStrategy(rawValue: kernel) != nil else {
            throw ValidationError("--kernel must be auto, fused or blas")
        }
    }

    func run() throws {
        if let csv {
            try ReaderBenchmark.run(path: csv)
            return
        }
        var configuration = try model.configuration(dimension: dim)
        if kernel != "auto" { configuration.blasMinimumDimension = kernel == "blas" ? 1 : Int.max }
        let shards = model.resolvedShards
        let engine = try ShardedEngine(
            configuration: configuration, shardCount: shards, batchCapacity: batchSize,
            logger: logging.logger)
        let handles = (0..<keys).map { engine.handle(for: "key-\($0)") }
        // A buffer of whole ticks (every key once), at most bufferMb, at least one tick.
        let bytesPerRow = dim * MemoryLayout<Float>.stride
        let bufferRows = max(keys, (bufferMb << 20) / bytesPerRow / keys * keys)
        var buffer = [Float](repeating: 0, count: bufferRows * dim)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in buffer.indices {
            // xorshift uniform in [-1, 1): cheap, deterministic; the values' law does not matter here.
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            buffer[i] = Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52)
        }
        var batch = RowBatch(dimension: dim, capacity: batchSize)
        var cursor = 0
        let (d, keyCount) = (dim, keys)
        func runRows(_ count: Int) {
            buffer.withUnsafeBufferPointer { all in
                let base = all.baseAddress.unsafelyUnwrapped
                var done = 0
                while done < count {
                    batch.removeAll()
                    while !batch.isFull && done < count {
                        let row = cursor % bufferRows
                        batch.append(handle: handles[row % keyCount], copying: base + row * d)
                        cursor += 1
                        done += 1
                    }
                    engine.process(&batch)
                }
            }
        }
        runRows(min(rows, keys * 64))  // warm every key past start-up
        var rates: [Double] = []
        for _ in 0..<windows {
            let start = DispatchTime.now().uptimeNanoseconds
            runRows(rows)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(rows) / seconds)
        }
        rates.sort()
        let median = rates[rates.count / 2]
        let stateBytes = Double(keys) * Double(engine.bytesPerKey)
        // Per row the engine reads x, theta and scale and writes theta and scale: 5 d floats.
        let traffic = median * Double(dim) * 4 * 5 / 1e9
        print(String(
            format: """
                bench: d=%d keys=%d shards=%d kernel=%@ batch=%d state=%.1f MB (%d B/key)
                rows/s %.3f M (min %.3f, max %.3f over %d windows of %d rows)
                elements/s %.1f M, state traffic %.2f GB/s (5 x 4 B per element)
                """,
            dim, keys, shards, configuration.kernelStrategy.rawValue, batchSize, stateBytes / 1e6, engine.bytesPerKey,
            median / 1e6, rates.first! / 1e6, rates.last! / 1e6, windows, rows,
            median * Double(dim) / 1e6, traffic))
    }
}
