import ClipStreamCore

/// One logical partition of the keys: its detector (banks and scratch) and the list of this
/// batch's rows that belong to it.
///
/// Confined: during ``ShardedEngine/process(_:)`` exactly one worker touches a shard, and
/// between batches only the engine's caller thread does.
final class Shard {
    /// Guarded by confinement (see above).
    var detector: LocationDetector
    /// This batch's row indices for this shard, in input order. Guarded by confinement.
    var order: [Int32]

    init(configuration: Configuration, capacity: Int) {
        detector = LocationDetector(configuration: configuration)
        order = []
        order.reserveCapacity(capacity)
    }
}
