import ClipStreamCore

/// One logical partition of the keys: its detector (bank and scratch).
///
/// Confined: during ``ShardedEngine/process(_:)`` exactly one worker touches a shard, and
/// between batches only the engine's caller thread does.
final class Shard {
    /// Guarded by confinement (see above).
    var detector: LocationDetector

    init(configuration: Configuration) {
        detector = LocationDetector(configuration: configuration)
    }
}
