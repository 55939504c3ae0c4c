import ClipStreamEngine
import Testing
import TestSupport

/// Keys never share state: a key's results depend only on its own rows, not on which other
/// keys' rows are interleaved with them, even when both keys live in the same shard (and so
/// share its detector's scratch buffers).
@Suite("ShardedEngine: keys never share state")
struct KeyIsolationTests {
    /// `FNV-1a("neighbour-3") % 42 == FNV-1a("host-00") % 42`, so the two keys share a shard
    /// for every shard count tested here (1, 2, 3 and 7 all divide 42).
    static let keyA = "host-00"
    static let keyB = "neighbour-3"

    @Test func theTwoKeysShareAShard() {
        for shards in [1, 2, 3, 7] {
            #expect(
                ShardRouter.shard(of: Self.keyA, shardCount: shards)
                    == ShardRouter.shard(of: Self.keyB, shardCount: shards))
        }
    }

    @Test(arguments: [1, 2, 7], [1, 64, 4096])
    func interleavingAnotherKeyLeavesResultsBitIdentical(shardCount: Int, batchCapacity: Int) throws {
        let a = try RecordedStream.hardCase(rows: 3_000, keys: 1, dimension: 8, seed: 11)
        var b = try RecordedStream.hardCase(rows: 2_000, keys: 1, dimension: 8, seed: 12)
        b.keys = Array(repeating: Self.keyB, count: b.rowCount)
        #expect(Set(a.keys) == [Self.keyA])

        let aAlone = try scoreWithEngine(a, shardCount: shardCount, batchCapacity: batchCapacity, explainCount: 2)
        let bAlone = try scoreWithEngine(b, shardCount: shardCount, batchCapacity: batchCapacity, explainCount: 2)

        // Merge the two streams in a seeded random order, keeping each key's own order.
        var random = TestRandomGenerator(seed: 2024)
        var merged = a
        merged.keys = []
        merged.values = []
        merged.labels = []
        var origin: [Bool] = []  // true: the row came from `a`
        var (i, j) = (0, 0)
        while i < a.rowCount || j < b.rowCount {
            let takeA = j == b.rowCount || (i < a.rowCount && random.nextUnit() < 0.6)
            let (source, index) = takeA ? (a, i) : (b, j)
            merged.keys.append(source.keys[index])
            merged.values += source.values[index * 8..<(index + 1) * 8]
            merged.labels.append(source.labels[index])
            origin.append(takeA)
            if takeA { i += 1 } else { j += 1 }
        }
        let together = try scoreWithEngine(
            merged, shardCount: shardCount, batchCapacity: batchCapacity, explainCount: 2)
        let aTogether = zip(together, origin).filter { $0.1 }.map(\.0)
        let bTogether = zip(together, origin).filter { !$0.1 }.map(\.0)
        #expect(firstDifference(aAlone, aTogether) == nil)
        #expect(firstDifference(bAlone, bTogether) == nil)
    }

    /// A key that appears late starts from a blank estimator, exactly as if it were alone.
    @Test func aLateKeyStartsFresh() throws {
        let warm = try RecordedStream.hardCase(rows: 2_000, keys: 4, dimension: 8, seed: 5)
        var late = try RecordedStream.hardCase(rows: 500, keys: 1, dimension: 8, seed: 6)
        late.keys = Array(repeating: "latecomer", count: late.rowCount)
        let engine = try ShardedEngine(configuration: .init(dimension: 8), shardCount: 3, logger: quietLogger)
        _ = score(warm, on: engine)
        let afterOthers = score(late, on: engine)
        let alone = try scoreWithEngine(late, shardCount: 3)
        #expect(firstDifference(alone, afterOthers) == nil)
    }
}
