import ClipStreamCore

/// One logical partition of the keys: its detector (model state and scratch).
///
/// Confined: during ``ShardedEngine/process(_:)`` exactly one worker touches a shard, and
/// between batches only the engine's caller thread does.
final class Shard {
    /// Guarded by confinement (see above). An existential: it is called once per batch, never
    /// per row.
    var detector: any KeyedDetector
    /// Keeps the next shard's object off this one's cache lines: a worker's accesses to its
    /// detector write the object, and neighbours from the allocator would share lines.
    private let padding: (SIMD64<UInt8>, SIMD64<UInt8>) = (.zero, .zero)

    init(detector: any KeyedDetector) {
        self.detector = detector
    }
}
