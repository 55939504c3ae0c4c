import Benchmark
import ClipStreamCore
import ClipStreamEngine

/// The engine's batch path: rows/s for several key counts, dimensions and shard counts, and
/// allocations per batch in steady state (0 on 1 shard; 3 on 2, inside `concurrentPerform`; none per row).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .one, maxDuration: .seconds(3))

    for (keys, d) in [(1, 64), (1_000, 64), (10_000, 64), (1_000, 1024), (100_000, 16)] {
        for shards in [1, 2] {
            Benchmark("batch of 4096 rows keys=\(keys) d=\(d) shards=\(shards)") { benchmark in
                let engine = try ShardedEngine(
                    configuration: Configuration(dimension: d), shardCount: shards)
                let handles = (0..<keys).map { engine.handle(for: "key-\($0)") }
                var batch = RowBatch(dimension: d, capacity: 4096)
                var row = [Float](repeating: 0, count: d)
                var cursor = 0
                func fill() {
                    batch.removeAll()
                    while !batch.isFull {
                        for j in 0..<d { row[j] = Float((cursor &* 31 &+ j) % 17) - 8 }
                        batch.append(handle: handles[cursor % keys], values: row)
                        cursor += 1
                    }
                }
                // Warm every key past its start-up so the measurement sees the steady state.
                for _ in 0..<max(1, keys * 3 / 4096) {
                    fill()
                    engine.process(&batch)
                }
                for _ in benchmark.scaledIterations {
                    fill()
                    benchmark.startMeasurement()
                    engine.process(&batch)
                    benchmark.stopMeasurement()
                }
            }
        }
    }
}
