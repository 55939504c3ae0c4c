import ClipStreamCore
import ClipStreamEngine
import Testing

/// A row's arithmetic never depends on the shard count or the batch size (STYLE.md,
/// "Concurrency"): every field of every `RowScore`, and the top-k attribution, must be
/// bit-identical for 1, 2, 3 and 7 shards and any batch capacity.
@Suite("ShardedEngine: bit-identical results for every shard count and batch size")
struct ShardDeterminismTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        var rows: Int
        var keys: Int
        var dimension: Int
        var explainCount: Int
        /// Runs the CBLAS path (`sdot` + `saxpy`) instead of the default fused loops.
        var blas = false
        var testDescription: String { "\(rows) rows, \(keys) keys, d \(dimension)\(blas ? ", BLAS" : "")" }

        var configuration: Configuration {
            var c = Configuration(dimension: dimension)
            if blas { c.blasMinimumDimension = 1 }
            return c
        }
    }

    static let shapes = [
        Shape(rows: 20_000, keys: 13, dimension: 16, explainCount: 3),
        Shape(rows: 4_000, keys: 13, dimension: 1, explainCount: 1),
        Shape(rows: 3_000, keys: 13, dimension: 100, explainCount: 5),
        Shape(rows: 1_500, keys: 7, dimension: 600, explainCount: 2),
        Shape(rows: 1_500, keys: 7, dimension: 600, explainCount: 2, blas: true),
    ]

    /// Each run is compared with the reference run: 1 shard, batches of 4096.
    @Test(arguments: shapes, [1, 2, 3, 7])
    func shardsAndBatchesAgreeBitwise(shape: Shape, shardCount: Int) throws {
        let stream = try RecordedStream.hardCase(
            rows: shape.rows, keys: shape.keys, dimension: shape.dimension)
        let reference = try scoreWithEngine(
            stream, shardCount: 1, explainCount: shape.explainCount, configuration: shape.configuration)
        #expect(reference.count == shape.rows)
        for capacity in [1, 7, 4096] where !(shardCount == 1 && capacity == 4096) {
            let run = try scoreWithEngine(
                stream, shardCount: shardCount, batchCapacity: capacity,
                explainCount: shape.explainCount, configuration: shape.configuration)
            let difference = firstDifference(reference, run)
            #expect(difference == nil, "\(shardCount) shards, batch \(capacity): \(difference ?? "")")
        }
    }

    /// The comparison above is only meaningful if the runs produce varied, non-trivial results.
    @Test func referenceRunIsNotDegenerate() throws {
        let stream = try RecordedStream.hardCase(rows: 20_000, keys: 13, dimension: 16)
        let run = try scoreWithEngine(stream, shardCount: 7, explainCount: 3)
        #expect(Set(run.map(\.score)).count > 19_000)
        #expect(run.contains { $0.decision == AlertDecision.alert.rawValue })
        #expect(run.contains { $0.clipped })
        #expect(run.allSatisfy { Double(bitPattern: $0.score).isFinite })
    }
}
