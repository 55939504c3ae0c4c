import ClipStreamEngine
import Testing

/// The key-to-shard map is part of the file format (`Docs/formats.md`): 64-bit FNV-1a of the
/// key's UTF-8 bytes, modulo the shard count.
@Suite("ShardRouter: stable FNV-1a routing and dense handles")
struct ShardRouterTests {
    /// Values computed independently in Python:
    /// `h = 0xcbf29ce484222325; for b in key.encode(): h = ((h ^ b) * 0x100000001b3) % 2**64`.
    /// "a" is also the published FNV-1a 64 test vector.
    @Test(arguments: [
        ("host-00", 0x15f9_69ae_4c1f_c956 as UInt64),
        ("host-01", 0x15f9_6aae_4c1f_cb09),
        ("", 0xcbf2_9ce4_8422_2325),
        ("a", 0xaf63_dc4c_8601_ec8c),
        ("ключ", 0x2961_30de_6f5b_7a81),
    ])
    func stableHashMatchesKnownValues(key: String, expected: UInt64) {
        #expect(ShardRouter.stableHash(key) == expected)
    }

    @Test(arguments: ["host-00", "host-01", "", "a", "ключ"], [1, 2, 3, 7, 4096])
    func shardIsHashModuloCount(key: String, shardCount: Int) {
        let expected = Int(ShardRouter.stableHash(key) % UInt64(shardCount))
        #expect(ShardRouter.shard(of: key, shardCount: shardCount) == expected)
        var router = ShardRouter(shardCount: shardCount)
        #expect(router.handle(for: key).handle.shard == Int32(expected))
    }

    /// Hand-checked shards for 7 partitions (from the hashes above).
    @Test func knownShardsForSevenPartitions() {
        let shards = ["host-00", "host-01", "", "a", "ключ"].map { ShardRouter.shard(of: $0, shardCount: 7) }
        #expect(shards == [6, 2, 2, 5, 6])
    }

    @Test(arguments: [1, 2, 3, 7])
    func handlesAreDensePerShardAndNamesRoundTrip(shardCount: Int) {
        var router = ShardRouter(shardCount: shardCount)
        let keys = (0..<200).map { "key-\($0)" } + ["web,01", "db \"main\"", "ключ", ""]
        var handles: [KeyHandle] = []
        for key in keys {
            let (handle, created) = router.handle(for: key)
            #expect(created)
            handles.append(handle)
        }
        #expect(router.keyCount == keys.count)
        // Slots in each shard are exactly 0..<count, in order of first sight.
        for shard in 0..<shardCount {
            let slots = handles.filter { $0.shard == Int32(shard) }.map { Int($0.slot) }
            #expect(slots == Array(0..<slots.count))
            #expect(router.names[shard].count == slots.count)
        }
        for (key, handle) in zip(keys, handles) {
            #expect(router.name(of: handle) == key)
            #expect(router.existingHandle(for: key) == handle)
            // A second lookup finds the same handle and creates nothing.
            let again = router.handle(for: key)
            #expect(again.handle == handle && !again.created)
        }
        #expect(router.keyCount == keys.count)
        #expect(router.existingHandle(for: "never seen") == nil)
    }

    /// The same keys land in the same shards whatever order they are first seen in.
    @Test func shardDoesNotDependOnArrivalOrder() {
        var forward = ShardRouter(shardCount: 7)
        var backward = ShardRouter(shardCount: 7)
        let keys = (0..<50).map { "host-\($0)" }
        for key in keys { _ = forward.handle(for: key) }
        for key in keys.reversed() { _ = backward.handle(for: key) }
        for key in keys {
            #expect(forward.existingHandle(for: key)?.shard == backward.existingHandle(for: key)?.shard)
        }
    }
}

@Suite("Key identity is the key's bytes")
struct KeyIdentityTests {
    /// A precomposed and a decomposed "é" are equal as Swift Strings but are different sources.
    @Test func canonicallyEquivalentKeysStayDistinct() {
        var router = ShardRouter(shardCount: 3)
        let precomposed = "\u{E9}"
        let decomposed = "e\u{301}"
        #expect(precomposed == decomposed)
        let a = router.handle(for: precomposed)
        let b = router.handle(for: decomposed)
        #expect(a.created && b.created)
        #expect(a.handle != b.handle)
        #expect(router.keyCount == 2)
        #expect(Array(router.name(of: b.handle).utf8) == Array(decomposed.utf8))
        #expect(router.handle(for: precomposed).handle == a.handle)
    }
}
