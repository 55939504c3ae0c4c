import ClipStreamCore

extension ShardedEngine {
    /// Calls `body` with every key's name and state, ordered by the name's UTF-8 bytes: the
    /// same sequence whatever the shard count, so a saved state does not depend on it. One
    /// snapshot exists at a time.
    public func forEachKey(_ body: (String, KeySnapshot) throws -> Void) rethrows {
        var keys: [(name: String, handle: KeyHandle)] = []
        keys.reserveCapacity(keyCount)
        for (shard, names) in router.names.enumerated() {
            for (slot, name) in names.enumerated() where !name.isEmpty {
                keys.append((name, KeyHandle(shard: Int32(shard), slot: Int32(slot))))
            }
        }
        keys.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for (name, handle) in keys {
            try body(name, shards[Int(handle.shard)].detector.snapshot(slot: Int(handle.slot)))
        }
    }

    /// The state of one key, or nil when unseen.
    public func snapshot(of name: String) -> KeySnapshot? {
        guard let handle = router.existingHandle(for: name) else { return nil }
        return shards[Int(handle.shard)].detector.snapshot(slot: Int(handle.slot))
    }

    /// `Float`s per key in a snapshot of this engine's detectors.
    public var valuesPerKey: Int { shards[0].detector.valuesPerKey }

    /// Creates `name` with the state in `snapshot`.
    /// - Precondition: `name` is new and the snapshot has ``valuesPerKey`` values.
    public func importKey(name: String, snapshot: KeySnapshot) {
        precondition(router.existingHandle(for: name) == nil, "key imported twice")
        precondition(snapshot.values.count == valuesPerKey, "snapshot of another dimension")
        let handle = handle(for: name)
        shards[Int(handle.shard)].detector.restore(snapshot, slot: Int(handle.slot))
    }
}
