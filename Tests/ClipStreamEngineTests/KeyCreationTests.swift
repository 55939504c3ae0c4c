import ClipStreamCore
import ClipStreamEngine
import Testing

/// Keys are created on first sight, in their stable shard, with finite state.
@Suite("ShardedEngine: new keys on first sight")
struct KeyCreationTests {
    @Test(arguments: [1, 2, 3, 7])
    func keyCountGrowsOnFirstSightOnly(shardCount: Int) throws {
        let engine = try ShardedEngine(configuration: .init(dimension: 4), shardCount: shardCount, logger: quietLogger)
        #expect(engine.keyCount == 0)
        let first = engine.handle(for: "web,01")
        #expect(engine.keyCount == 1)
        #expect(engine.handle(for: "web,01") == first)
        #expect(engine.keyCount == 1)
        let second = engine.handle(for: "db \"main\"")
        #expect(engine.keyCount == 2)
        #expect(second != first)
        #expect(engine.name(of: first) == "web,01")
        #expect(engine.name(of: second) == "db \"main\"")
        #expect(Int(first.shard) == ShardRouter.shard(of: "web,01", shardCount: shardCount))
        let banked = (0..<shardCount).reduce(0) { $0 + engine.detector(ofShard: $1).keyCount }
        #expect(banked == 2)
    }

    @Test(arguments: [1, 3, 7])
    func banksHoldFiniteStateAfterAStream(shardCount: Int) throws {
        let stream = try RecordedStream.hardCase(rows: 6_000, keys: 13, dimension: 10, seed: 4)
        let engine = try ShardedEngine(configuration: .init(dimension: 10), shardCount: shardCount, logger: quietLogger)
        // Feed the stream in two halves: keys appear in the first batch and persist.
        let half = stream.rowCount / 2
        _ = score(stream.subset(Array(0..<half)), on: engine, batchCapacity: 500)
        #expect(engine.keyCount == 13)
        _ = score(stream.subset(Array(half..<stream.rowCount)), on: engine, batchCapacity: 500)
        #expect(engine.keyCount == 13)

        var rowsSeen = 0
        var keysInBanks = 0
        for shard in 0..<shardCount {
            let bank = try #require(engine.bank(ofShard: shard))
            #expect(bank.checkInvariants())
            #expect(bank.keyCount == engine.router.names[shard].count)
            keysInBanks += bank.keyCount
            for slot in 0..<bank.keyCount {
                let state = bank.state(slot: slot)
                rowsSeen += state.rowCount
                #expect(state.clipLevel > 0 && state.clipLevel.isFinite)
                #expect(bank.location(slot: slot).allSatisfy { $0.isFinite })
                #expect(bank.scaleEstimate(slot: slot).allSatisfy { $0 > 0 && $0.isFinite })
            }
        }
        #expect(keysInBanks == 13)
        #expect(rowsSeen == stream.rowCount)
    }

    /// A key first seen mid-batch, beside known keys, gets a blank estimator and a withheld
    /// first decision (warm-up).
    @Test func firstRowOfANewKeyIsWithheld() throws {
        let engine = try ShardedEngine(configuration: .init(dimension: 3), shardCount: 2, logger: quietLogger)
        var batch = RowBatch(dimension: 3, capacity: 8)
        for i in 0..<4 { batch.append(handle: engine.handle(for: "old"), values: [1, 2, Float(i)]) }
        engine.process(&batch)
        batch.removeAll()
        batch.append(handle: engine.handle(for: "old"), values: [1, 2, 3])
        batch.append(handle: engine.handle(for: "new"), values: [5, 6, 7])
        #expect(engine.keyCount == 2)
        engine.process(&batch)
        #expect(batch.results[1].decision == .withheld)
        #expect(batch.results[1].score.isFinite)
        let handle = try #require(engine.router.existingHandle(for: "new"))
        let bank = try #require(engine.bank(ofShard: Int(handle.shard)))
        #expect(bank.state(slot: Int(handle.slot)).rowCount == 1)
        #expect(bank.checkInvariants())
    }
}
