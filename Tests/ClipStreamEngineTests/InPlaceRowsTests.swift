import ClipStreamCore
import ClipStreamEngine
import Testing

/// `ShardedEngine.process(_:rows:)` reads rows in place; it must give exactly what copying
/// them into the batch gives, for any shard count.
@Suite("ShardedEngine: rows read in place")
struct InPlaceRowsTests {
    @Test(arguments: [1, 3])
    func inPlaceRowsMatchCopiedRowsBitwise(shardCount: Int) throws {
        let stream = try RecordedStream.hardCase(rows: 3_000, keys: 5, dimension: 9)
        let k = 2
        let reference = try scoreWithEngine(stream, shardCount: 1, batchCapacity: 512, explainCount: k)
        let engine = try ShardedEngine(
            configuration: Configuration(dimension: 9), shardCount: shardCount, batchCapacity: 512,
            logger: quietLogger)
        var batch = RowBatch(dimension: 9, capacity: 512, explainCount: k)
        var records: [RowRecord] = []
        try stream.values.withUnsafeBufferPointer { values in
            let base = try #require(values.baseAddress)
            var next = 0
            while next < stream.rowCount {
                batch.removeAll()
                let first = next
                while !batch.isFull && next < stream.rowCount {
                    batch.append(handle: engine.handle(for: stream.keys[next]))
                    next += 1
                }
                engine.process(&batch, rows: base + first * 9)
                for i in 0..<batch.count {
                    records.append(RowRecord(
                        batch.results[i], topIndices: Array(batch.topIndices[i * k..<(i + 1) * k]),
                        topShares: Array(batch.topShares[i * k..<(i + 1) * k])))
                }
            }
        }
        #expect(records.count == reference.count)
        #expect(firstDifference(reference, records) == nil)
        // The batch's own values were never written: they are still the zeros it started with.
        #expect(batch.values.allSatisfy { $0 == 0 })
    }
}
